/* report_html.c - one self-contained HTML page for people: a summary
 * banner, one section per module, every finding with its steps and
 * commands, and pictures (the vmwp.exe working-set chart as inline SVG, the
 * Active Directory versions against Exchange 2007 SP2's).
 *
 * No scripts, no external resources (a Content-Security-Policy forbids
 * both), and every string that came from the machine goes through
 * put_html, which escapes text and attribute values alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* Escape for HTML text and double- or single-quoted attribute values.
 * Control characters other than tab and line feed, and invalid UTF-8,
 * become U+FFFD.  max_chars > 0 cuts the text and adds an ellipsis. */
static void put_html_n(sd_buf *b, const char *s, size_t max_chars)
{
  size_t chars = 0;
  s = s ? s : "";
  while(*s) {
    uint32_t cp;
    size_t n = sd_utf8_seq(s, &cp);
    if(max_chars && chars == max_chars) {
      sd_buf_puts(b, "\xE2\x80\xA6"); /* U+2026 */
      return;
    }
    chars++;
    if(n == 0) {
      sd_buf_puts(b, "\xEF\xBF\xBD");
      s++;
      continue;
    }
    switch(cp) {
    case '&': sd_buf_puts(b, "&amp;"); break;
    case '<': sd_buf_puts(b, "&lt;"); break;
    case '>': sd_buf_puts(b, "&gt;"); break;
    case '"': sd_buf_puts(b, "&quot;"); break;
    case '\'': sd_buf_puts(b, "&#39;"); break;
    case '\t':
    case '\n': sd_buf_putc(b, (char)cp); break;
    case '\r': break;
    default:
      if(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        sd_buf_puts(b, "\xEF\xBF\xBD");
      else if(sd_is_bidi_control(cp)) /* shown, never obeyed */
        sd_buf_printf(b, "\\u%04X", (unsigned)cp);
      else
        sd_buf_put(b, s, n);
    }
    s += n;
  }
}

static void put_html(sd_buf *b, const char *s)
{
  put_html_n(b, s, 0);
}

void sd_html_put(sd_buf *b, const char *s)
{
  put_html_n(b, s, 0);
}

/* A token (a run without spaces) a browser could break inside: anything
 * but letters, digits and . _ & " ' = < > * @ # $ (a browser may break
 * after '-', '/', '}', '?', '|', ... and around non-ASCII text). */
static int token_breakable(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || strchr("._&\"'=<>*@#$", c)))
      return 1;
  }
  return 0;
}

/* A command for a <pre>: it wraps only at its spaces.  A token that could
 * break inside goes in <span class="t"> (an inline block that wraps inside
 * only when it is wider than the whole block); the text is unchanged, so
 * copying gives the command exactly. */
void sd_html_command(sd_buf *b, const char *cmd)
{
  char *s = sd_xstrdup(cmd ? cmd : ""), *p = s;
  while(*p) {
    size_t n = strcspn(p, " ");
    char save = p[n];
    int span;
    if(!n) {
      sd_buf_putc(b, ' ');
      p++;
      continue;
    }
    span = token_breakable(p, n);
    p[n] = '\0';
    sd_buf_puts(b, span ? "<span class=\"t\">" : "");
    put_html(b, p);
    sd_buf_puts(b, span ? "</span>" : "");
    p[n] = save;
    p += n;
  }
  free(s);
}

static const char *step_tag(sd_step_kind k)
{
  switch(k) {
  case SD_STEP_LOOK: return "read-only";
  case SD_STEP_CHANGE: return "change";
  case SD_STEP_LAST_RESORT: return "LAST RESORT";
  case SD_STEP_UNSET: break;
  }
  return NULL;
}

/* One step's body: kind, condition, text, its commands, what to see. */
static void html_step_body(sd_buf *b, const sd_step *sp)
{
  size_t i;
  const char *tag = step_tag(sp->kind);
  if(tag)
    sd_buf_printf(b, "<span class=\"kind k-%s\">%s</span> ",
                  sd_step_kind_name(sp->kind), tag);
  if(sp->condition) {
    sd_buf_puts(b, "<strong>");
    put_html(b, sp->condition);
    sd_buf_puts(b, ":</strong> ");
  }
  put_html(b, sp->text);
  sd_buf_puts(b, "\n");
  for(i = 0; i < sp->ncommands; i++) {
    sd_buf_puts(b, "<pre class=\"cmd\"><code>");
    sd_html_command(b, sp->commands[i]);
    sd_buf_puts(b, "</code></pre>\n");
  }
  if(sp->expect) {
    sd_buf_puts(b, "<p class=\"expect\">You should see: ");
    put_html(b, sp->expect);
    sd_buf_puts(b, "</p>\n");
  }
}

static void html_fix_offer(sd_buf *b, const sd_finding *f)
{
  sd_buf t;
  sd_buf_init(&t);
  sd_fix_offer_sentence(f, &t);
  sd_buf_puts(b, "<p>");
  put_html(b, t.data);
  sd_buf_puts(b, " It checks the server again first; without "
              "<code>--yes</code> it only shows what it would do:</p>\n"
              "<pre class=\"cmd\"><code>");
  t.len = 0;
  sd_fix_offer_command(f, &t);
  sd_html_command(b, t.data);
  sd_buf_puts(b, "</code></pre>\n");
  sd_buf_free(&t);
}

void sd_html_steps(sd_buf *b, const sd_step *steps, size_t n,
                   const sd_finding *fix)
{
  size_t i = 0;
  int offered = 0;
  if(n)
    sd_buf_puts(b, "<ol class=\"steps\">\n");
  while(i < n) {
    size_t k;
    sd_buf_printf(b, "<li value=\"%u\" class=\"step k-%s\">",
                  steps[i].number, sd_step_kind_name(steps[i].kind));
    html_step_body(b, &steps[i]);
    for(k = i + 1; k < n && steps[k].alternative; k++) {
      sd_buf_puts(b, "<div class=\"alt\"><strong>Or:</strong> ");
      html_step_body(b, &steps[k]);
      sd_buf_puts(b, "</div>\n");
    }
    if(fix && !offered && fix->fix_last == steps[i].number) {
      html_fix_offer(b, fix);
      offered = 1;
    }
    sd_buf_puts(b, "</li>\n");
    i = k;
  }
  if(n)
    sd_buf_puts(b, "</ol>\n");
  if(fix && !offered)
    html_fix_offer(b, fix);
}

static const char *sev_class(sd_severity s)
{
  return sd_severity_name(s); /* "ok", "info", "unknown", ... */
}

static void badge(sd_buf *b, sd_severity s)
{
  sd_buf_printf(b, "<span class=\"badge sev-%s\">%s</span>", sev_class(s),
                sd_sev_upper(s));
}

/* 4,012 K: what Task Manager shows for a working set. */
static void put_kib(sd_buf *b, uint64_t bytes)
{
  char digits[32];
  size_t n, i;
  snprintf(digits, sizeof(digits), "%llu",
           (unsigned long long)((bytes + 512) / 1024));
  n = strlen(digits);
  for(i = 0; i < n; i++) {
    if(i && (n - i) % 3 == 0)
      sd_buf_putc(b, ',');
    sd_buf_putc(b, digits[i]);
  }
  sd_buf_puts(b, " K");
}

static const char css[] =
  "body{font-family:Segoe UI,Tahoma,Arial,sans-serif;margin:0;"
  "color:#1b1b1b;background:#f4f5f7;line-height:1.45}\n"
  "main,header .in,footer{max-width:60rem;margin:0 auto;padding:0 1rem}\n"
  "header{color:#fff;padding:1rem 0 1.2rem}\n"
  "header h1{margin:.2rem 0;font-size:1.6rem}\n"
  "header .verdict{font-size:1.3rem;font-weight:bold;margin:.2rem 0}\n"
  "header dl{display:grid;grid-template-columns:max-content 1fr;"
  "gap:.1rem 1rem;margin:.6rem 0}\n"
  "header dt{font-weight:bold}header dd{margin:0}\n"
  "header nav a{color:#fff;margin-right:1rem}\n"
  ".banner.sev-critical{background:#b71c1c}"
  ".banner.sev-warning{background:#bf4f00}"
  ".banner.sev-unknown{background:#5e2a84}"
  ".banner.sev-info,.banner.sev-ok{background:#1e6b30}\n"
  ".badge{display:inline-block;padding:0 .45rem;border-radius:.25rem;"
  "font-size:.8rem;font-weight:bold;color:#fff;vertical-align:middle}\n"
  ".badge.sev-critical{background:#b71c1c}.badge.sev-warning"
  "{background:#bf4f00}.badge.sev-unknown{background:#5e2a84}"
  ".badge.sev-info{background:#0b5f8a}.badge.sev-ok{background:#1e6b30}\n"
  "section.module{background:#fff;margin:1rem 0;padding:.6rem 1rem 1rem;"
  "border-left:.4rem solid #999;border-radius:.25rem}\n"
  "section.sev-critical{border-color:#b71c1c}section.sev-warning"
  "{border-color:#bf4f00}section.sev-unknown{border-color:#5e2a84}"
  "section.sev-ok,section.sev-info{border-color:#1e6b30}\n"
  "h2{font-size:1.25rem;margin:.4rem 0}h3{font-size:1.05rem;"
  "margin:.8rem 0 .3rem}\n"
  ".finding{border-top:1px solid #ddd;padding-top:.3rem}\n"
  "table{border-collapse:collapse;margin:.4rem 0}\n"
  "th,td{border:1px solid #ccc;padding:.15rem .5rem;text-align:left;"
  "vertical-align:top}\n"
  "th{background:#eef0f3}\n"
  "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
  "tr.bad td{background:#fdecea}tr.good td{background:#edf7ee}\n"
  "pre.cmd{background:#1f2430;color:#f2f2f2;padding:.5rem .7rem;"
  "border-radius:.25rem;overflow-x:auto;white-space:pre-wrap;"
  "word-break:normal;overflow-wrap:anywhere;user-select:all;"
  "-webkit-user-select:all}\n"
  "pre.cmd .t{display:inline-block;max-width:100%}\n"
  "code{font-family:Consolas,Menlo,monospace}\n"
  ".kind{font-size:.8rem;padding:0 .3rem;border-radius:.2rem;"
  "border:1px solid #999}.k-last_resort .kind{background:#b71c1c;"
  "color:#fff;border-color:#b71c1c}.k-change .kind{border-color:#bf4f00}\n"
  ".alt{margin:.3rem 0 .3rem 1rem}.expect{margin:.2rem 0}\n"
  ".na{color:#555;font-style:italic}\n"
  ".hint{color:#555;font-size:.9rem}\n"
  "svg{max-width:100%;height:auto;background:#fff}\n"
  "footer{color:#555;font-size:.85rem;padding-bottom:2rem}\n"
  "@media print{pre.cmd{background:#fff;color:#000;border:1px solid #999}"
  "header{color:#000;background:#fff!important}header nav{display:none}}\n";

static void put_evidence(sd_buf *b, const sd_finding *f)
{
  size_t i;
  if(!f->nevidence)
    return;
  sd_buf_puts(b, "<table class=\"evidence\"><caption class=\"hint\">"
              "Evidence</caption>\n");
  for(i = 0; i < f->nevidence; i++) {
    const sd_evidence *e = &f->evidence[i];
    sd_buf_puts(b, "<tr><th scope=\"row\">");
    put_html(b, e->key);
    sd_buf_puts(b, "</th><td>");
    if(e->type == SD_EV_INT)
      sd_buf_printf(b, "%lld", (long long)e->num);
    else if(e->type == SD_EV_BOOL)
      sd_buf_puts(b, e->num ? "yes" : "no");
    else
      put_html(b, e->str);
    sd_buf_puts(b, "</td></tr>\n");
  }
  sd_buf_puts(b, "</table>\n");
}

static void put_finding(sd_buf *b, const sd_finding *f, size_t mi, size_t fi)
{
  int problem = sd_severity_rank(f->severity) > 0;
  sd_buf_printf(b, "<article class=\"finding sev-%s\" id=\"f-%u-%u\">\n",
                sev_class(f->severity), (unsigned)mi, (unsigned)fi);
  if(!problem)
    sd_buf_puts(b, "<details><summary>");
  else
    sd_buf_puts(b, "<h3>");
  badge(b, f->severity);
  sd_buf_puts(b, " <code>");
  put_html(b, f->code);
  sd_buf_puts(b, "</code> ");
  put_html(b, f->title);
  sd_buf_puts(b, problem ? "</h3>\n" : "</summary>\n");
  if(f->message && *f->message) {
    sd_buf_puts(b, "<p class=\"msg\">");
    put_html(b, f->message);
    sd_buf_puts(b, "</p>\n");
  }
  if(f->ack.active) {
    sd_buf a;
    sd_buf_init(&a);
    sd_ack_sentence(f, &a);
    sd_buf_puts(b, "<p class=\"ack\"><strong>");
    put_html(b, a.data);
    sd_buf_puts(b, ".</strong> It does not count toward the verdict.</p>\n");
    sd_buf_free(&a);
  }
  put_evidence(b, f);
  if(f->summary && *f->summary) {
    sd_buf_puts(b, "<p><strong>What to do:</strong> ");
    put_html(b, f->summary);
    sd_buf_puts(b, "</p>\n");
  }
  sd_html_steps(b, f->steps, f->nsteps, f->fixable ? f : NULL);
  sd_buf_puts(b, "<p class=\"hint\">More: <code>srvdoctor explain ");
  put_html(b, f->code);
  sd_buf_puts(b, "</code></p>\n");
  if(!problem)
    sd_buf_puts(b, "</details>\n");
  sd_buf_puts(b, "</article>\n");
}

/* ---- the working-set chart ---- */

#define CH_W 800
#define CH_LABEL 260
#define CH_VALUE 96
#define CH_ROW 28
#define CH_BAR 18
#define CH_TOP 34
#define CH_BOTTOM 30
#define CH_LABEL_CHARS 28 /* what fits left of the bars at 13 px */

static const char *bar_color(sd_severity s)
{
  return s == SD_SEV_CRITICAL ? "#c62828"
         : s == SD_SEV_WARNING ? "#ef6c00" : "#4f7fb0";
}

/* How wide a character of a label shows, in average Latin letters: a
 * bidi control is shown as \uXXXX, wide scripts and emoji take two. */
static size_t char_width(uint32_t cp)
{
  if(sd_is_bidi_control(cp))
    return 6;
  return cp >= 0x1100 ? 2 : 1;
}

/* The width of s; in *head the end of its longest start no wider than
 * `head`, in *tail the start of its longest end no wider than `tail`. */
static size_t label_width(const char *s, size_t head, size_t tail,
                          size_t *head_off, size_t *tail_off)
{
  size_t total = 0, pos = 0, sofar = 0, end;
  while(s[pos]) {
    uint32_t cp = 0xFFFD;
    size_t n = sd_utf8_seq(s + pos, &cp);
    total += char_width(n ? cp : 0xFFFD);
    pos += n ? n : 1;
  }
  end = pos;
  *head_off = 0;
  *tail_off = end;
  for(pos = 0; s[pos];) {
    uint32_t cp = 0xFFFD;
    size_t n = sd_utf8_seq(s + pos, &cp);
    if(total - sofar <= tail && *tail_off == end)
      *tail_off = pos;
    sofar += char_width(n ? cp : 0xFFFD);
    pos += n ? n : 1;
    if(sofar <= head)
      *head_off = pos;
  }
  return total;
}

/* Does the label end with the check's " (pid N)" for this point? */
static size_t pid_suffix(const char *label, unsigned long pid)
{
  char want[40];
  size_t n = (size_t)snprintf(want, sizeof(want), " (pid %lu)", pid),
         len = strlen(label);
  return pid && len > n && !strcmp(label + len - n, want) ? n : 0;
}

/* The label as the chart shows it: whole when it fits, else its start and
 * its end around an ellipsis, the check's " (pid N)" always kept whole
 * (two VMs with one name stay told apart).  Returns 1 when cut. */
static int short_label(const sd_point *pt, sd_buf *out)
{
  size_t suffix = pid_suffix(pt->label, (unsigned long)pt->pid),
         name_end = strlen(pt->label) - suffix, head_off, tail_off, room;
  char *name = sd_xstrdup(pt->label);
  name[name_end] = '\0';
  room = CH_LABEL_CHARS - 1 - (suffix < 20 ? suffix : 20);
  if(label_width(name, (room + 1) / 2, room / 2, &head_off, &tail_off) +
     suffix <= CH_LABEL_CHARS) {
    sd_buf_puts(out, pt->label);
    free(name);
    return 0;
  }
  sd_buf_put(out, name, head_off);
  sd_buf_puts(out, "\xE2\x80\xA6"); /* U+2026 */
  sd_buf_puts(out, name + tail_off);
  sd_buf_puts(out, pt->label + name_end);
  free(name);
  return 1;
}

/* The tooltip: the whole label, the PID unless the label has it. */
static void put_bar_title(sd_buf *b, const sd_point *pt)
{
  sd_buf_puts(b, "<title>");
  put_html(b, pt->label);
  if(pt->pid && strncmp(pt->label, "pid ", 4) &&
     !pid_suffix(pt->label, (unsigned long)pt->pid))
    sd_buf_printf(b, " (PID %lu)", (unsigned long)pt->pid);
  sd_buf_puts(b, ": ");
  put_kib(b, pt->value);
  sd_buf_printf(b, "%s</title>",
                pt->mark == SD_SEV_CRITICAL ? ", hung"
                : pt->mark == SD_SEV_WARNING ? ", suspect" : "");
}

/* One bar of the chart: the worker's label (`shown`; squeezed into the
 * label area when `squeeze`), a light track with its bar, and its size in
 * the value column right of every bar and reference line. */
static void put_bar(sd_buf *b, const sd_point *pt, size_t i, uint64_t max,
                    const char *shown, int squeeze)
{
  unsigned area = CH_W - CH_LABEL - CH_VALUE;
  unsigned y = CH_TOP + (unsigned)i * CH_ROW;
  unsigned w = (unsigned)((double)pt->value / (double)max * area);
  const char *kind = pt->mark == SD_SEV_CRITICAL ? "stuck"
                     : pt->mark == SD_SEV_WARNING ? "suspect" : "ok";
  if(w == 0 && pt->value)
    w = 1;
  sd_buf_printf(b, "<g class=\"bar %s\" data-pid=\"%lu\">", kind,
                (unsigned long)pt->pid);
  put_bar_title(b, pt);
  sd_buf_printf(b, "<text class=\"label\" x=\"%u\" y=\"%u\" "
                "text-anchor=\"end\"", CH_LABEL - 8, y + 14);
  if(squeeze)
    sd_buf_printf(b, " textLength=\"%u\" lengthAdjust=\"spacingAndGlyphs\"",
                  CH_LABEL - 12);
  sd_buf_puts(b, ">");
  put_html(b, shown);
  sd_buf_printf(b, "</text><rect x=\"%u\" y=\"%u\" width=\"%u\" "
                "height=\"%u\" fill=\"#eef0f3\"/>", CH_LABEL, y + 2, area,
                CH_BAR);
  sd_buf_printf(b, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" "
                "fill=\"%s\"/>", CH_LABEL, y + 2, w, CH_BAR,
                bar_color(pt->mark));
  sd_buf_printf(b, "<text class=\"value\" x=\"%u\" y=\"%u\" "
                "text-anchor=\"end\">", CH_W - 4, y + 15);
  put_kib(b, pt->value);
  sd_buf_puts(b, "</text></g>\n");
}

/* Every bar, each label cut to fit; a cut label that would read like
 * another point's is shown whole (squeezed) instead. */
static void put_bars(sd_buf *b, const sd_series *c, uint64_t max)
{
  sd_buf *shown = sd_xmalloc(c->npoints * sizeof(*shown));
  int *cut = sd_xmalloc(c->npoints * sizeof(*cut));
  size_t i, k;
  for(i = 0; i < c->npoints; i++) {
    sd_buf_init(&shown[i]);
    cut[i] = short_label(&c->points[i], &shown[i]);
    sd_buf_putc(&shown[i], '\0');
  }
  for(i = 0; i < c->npoints; i++) {
    int clash = 0;
    for(k = 0; k < c->npoints && cut[i] && !clash; k++)
      clash = k != i && !strcmp(shown[i].data, shown[k].data) &&
              strcmp(c->points[i].label, c->points[k].label);
    put_bar(b, &c->points[i], i, max,
            clash ? c->points[i].label : shown[i].data, clash);
  }
  for(i = 0; i < c->npoints; i++)
    sd_buf_free(&shown[i]);
  free(shown);
  free(cut);
}

/* The dashed reference lines (the medians the check compared with). */
static void put_refs(sd_buf *b, const sd_series *c, uint64_t max)
{
  unsigned area = CH_W - CH_LABEL - CH_VALUE;
  size_t i;
  for(i = 0; i < c->nrefs; i++) {
    unsigned x = CH_LABEL +
                 (unsigned)((double)c->refs[i].value / (double)max * area);
    unsigned y2 = CH_TOP + (unsigned)c->npoints * CH_ROW;
    sd_buf_printf(b, "<g class=\"median\"><line x1=\"%u\" y1=\"%u\" "
                  "x2=\"%u\" y2=\"%u\" stroke=\"#222\" stroke-width=\"2\" "
                  "stroke-dasharray=\"6 4\"/><text x=\"%u\" y=\"%u\" "
                  "text-anchor=\"middle\">", x, CH_TOP - 4, x, y2 + 2, x,
                  y2 + 18 + 16 * (unsigned)i);
    put_html(b, c->refs[i].label);
    sd_buf_putc(b, ' ');
    put_kib(b, c->refs[i].value);
    sd_buf_puts(b, "</text></g>\n");
  }
}

static void put_chart(sd_buf *b, const sd_series *c)
{
  uint64_t max = 1;
  size_t i;
  unsigned height;
  if(!c->npoints)
    return;
  for(i = 0; i < c->npoints; i++)
    if(c->points[i].value > max)
      max = c->points[i].value;
  for(i = 0; i < c->nrefs; i++)
    if(c->refs[i].value > max)
      max = c->refs[i].value;
  height = CH_TOP + (unsigned)c->npoints * CH_ROW + CH_BOTTOM;
  sd_buf_puts(b, "<figure class=\"chart\">\n");
  /* Inline SVG in HTML needs no namespace declaration. */
  sd_buf_printf(b, "<svg id=\"%s-chart\" role=\"img\" "
                "aria-labelledby=\"%s-title\" "
                "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
                "font-family=\"Segoe UI,Tahoma,Arial,sans-serif\" "
                "font-size=\"13\">\n", c->name, c->name, CH_W, height, CH_W,
                height);
  sd_buf_printf(b, "<title id=\"%s-title\">", c->name);
  put_html(b, c->title);
  sd_buf_puts(b, "</title>\n<text x=\"0\" y=\"16\" font-weight=\"bold\">");
  put_html(b, c->title);
  sd_buf_printf(b, "</text>\n"
                "<rect x=\"%u\" y=\"6\" width=\"12\" height=\"12\" "
                "fill=\"#c62828\"/><text x=\"%u\" y=\"16\">hung</text>\n"
                "<rect x=\"%u\" y=\"6\" width=\"12\" height=\"12\" "
                "fill=\"#ef6c00\"/><text x=\"%u\" y=\"16\">suspect</text>\n"
                "<rect x=\"%u\" y=\"6\" width=\"12\" height=\"12\" "
                "fill=\"#4f7fb0\"/><text x=\"%u\" y=\"16\">healthy</text>\n",
                CH_LABEL + 250, CH_LABEL + 266, CH_LABEL + 320, CH_LABEL + 336,
                CH_LABEL + 410, CH_LABEL + 426);
  put_bars(b, c, max);
  put_refs(b, c, max);
  sd_buf_puts(b, "</svg>\n");
  if(c->note) {
    sd_buf_puts(b, "<figcaption class=\"hint\">");
    put_html(b, c->note);
    sd_buf_puts(b, "</figcaption>\n");
  }
  sd_buf_puts(b, "</figure>\n");
}

static void put_charts(sd_buf *b, const sd_module_result *m)
{
  size_t i;
  for(i = 0; i < m->nseries; i++)
    put_chart(b, &m->series[i]);
}

/* ---- the actual-against-needed table (the AD versions) ---- */

static void put_rows(sd_buf *b, const sd_module_result *m)
{
  size_t i;
  if(!m->nrows)
    return;
  sd_buf_puts(b, "<table class=\"adversions\">\n<caption>");
  put_html(b, m->title);
  sd_buf_puts(b, ": what is there against what is needed</caption>\n<tr><th "
              "scope=\"col\">Value</th><th scope=\"col\">Now</th><th "
              "scope=\"col\">Needs at least</th><th scope=\"col\">Result"
              "</th></tr>\n");
  for(i = 0; i < m->nrows; i++) {
    const sd_row *row = &m->rows[i];
    const char *cls = "";
    int ok = row->known && row->actual >= row->needed;
    if(row->known)
      cls = ok ? " class=\"good\"" : " class=\"bad\"";
    sd_buf_printf(b, "<tr%s><th scope=\"row\">", cls);
    put_html(b, row->what);
    if(row->where) {
      sd_buf_puts(b, "<br><small><code>");
      put_html(b, row->where);
      sd_buf_puts(b, "</code></small>");
    }
    sd_buf_puts(b, "</th><td class=\"num\">");
    if(row->known)
      sd_buf_printf(b, "%lld", (long long)row->actual);
    else
      sd_buf_puts(b, "?");
    sd_buf_printf(b, "</td><td class=\"num\">%lld</td><td>",
                  (long long)row->needed);
    if(!row->known) {
      sd_buf_puts(b, "could not be read");
      if(row->why) {
        sd_buf_puts(b, ": ");
        put_html(b, row->why);
      }
    }
    else if(ok)
      sd_buf_puts(b, "ready");
    else
      put_html(b, row->remedy ? row->remedy : "below what is needed");
    sd_buf_puts(b, "</td></tr>\n");
  }
  sd_buf_puts(b, "</table>\n");
}

static void put_banner(sd_buf *b, const sd_report *r)
{
  const sd_facts *f = r->facts;
  size_t counts[5], i;
  char when[32];
  size_t *order = sd_report_module_order(r);
  sd_report_counts(r, counts);
  sd_time_format(f ? f->collected_at : SD_TIME_NONE, when);
  sd_buf_printf(b, "<header class=\"banner sev-%s\" id=\"summary\">"
                "<div class=\"in\">\n", sev_class(r->status));
  sd_buf_puts(b, "<h1>srvdoctor report: ");
  put_html(b, f && f->host.name ? f->host.name : "unknown host");
  sd_buf_puts(b, "</h1>\n");
  sd_buf_printf(b, "<p class=\"verdict\">Verdict: %s (exit code %d)</p>\n",
                sd_verdict_upper(r->status), r->exit_code);
  sd_buf_printf(b, "<p>%u critical, %u warning, %u unknown, %u info, %u ok "
                "findings.</p>\n<dl>\n",
                (unsigned)counts[SD_SEV_CRITICAL],
                (unsigned)counts[SD_SEV_WARNING],
                (unsigned)counts[SD_SEV_UNKNOWN],
                (unsigned)counts[SD_SEV_INFO], (unsigned)counts[SD_SEV_OK]);
  if(f && f->os.name) {
    sd_buf_puts(b, "<dt>System</dt><dd>");
    put_html(b, f->os.name);
    if(f->os.version) {
      sd_buf_putc(b, ' ');
      put_html(b, f->os.version);
    }
    if(f->os.service_pack && *f->os.service_pack) {
      sd_buf_putc(b, ' ');
      put_html(b, f->os.service_pack);
    }
    if(f->os.arch) {
      sd_buf_puts(b, ", ");
      put_html(b, f->os.arch);
    }
    sd_buf_puts(b, "</dd>\n");
  }
  sd_buf_printf(b, "<dt>Facts</dt><dd>%s, collected %s</dd>\n",
                sd_streq(r->source, "snapshot") ? "from a snapshot"
                                                 : "from this machine",
                when[0] ? when : "at an unknown time");
  if(f && f->host.user) {
    sd_buf_puts(b, "<dt>Run by</dt><dd>");
    put_html(b, f->host.user);
    if(f->host.elevation_st.state == SD_ST_READ)
      sd_buf_puts(b, f->host.elevated && f->host.admin_member
                       ? " (elevated)" : " (not elevated)");
    sd_buf_puts(b, "</dd>\n");
  }
  sd_buf_puts(b, "</dl>\n<nav>");
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[order[i]];
    sd_buf_puts(b, "<a href=\"#m-");
    put_html(b, m->id);
    sd_buf_puts(b, "\">");
    put_html(b, m->id);
    sd_buf_puts(b, "</a>");
  }
  sd_buf_puts(b, "</nav>\n</div></header>\n");
  free(order);
}

void sd_report_html(const sd_report *r, sd_buf *b)
{
  const sd_facts *f = r->facts;
  size_t *order = sd_report_module_order(r);
  size_t i, k;
  sd_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
              "<meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\""
              "default-src 'none'; style-src 'unsafe-inline'; "
              "img-src data:\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, "
              "initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"srvdoctor " SD_VERSION
              "\">\n<title>srvdoctor: ");
  put_html(b, f && f->host.name ? f->host.name : "unknown host");
  sd_buf_printf(b, " - %s</title>\n<style>\n%s</style>\n</head>\n<body>\n",
                sd_verdict_upper(r->status), css);
  put_banner(b, r);
  sd_buf_puts(b, "<main>\n");
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[order[i]];
    sd_buf_printf(b, "<section class=\"module sev-%s\" id=\"m-",
                  sev_class(m->status));
    put_html(b, m->id);
    sd_buf_puts(b, "\">\n<h2>");
    put_html(b, m->title);
    sd_buf_puts(b, " ");
    badge(b, m->status);
    sd_buf_puts(b, "</h2>\n<p class=\"hint\">Module <code>");
    put_html(b, m->id);
    sd_buf_puts(b, "</code></p>\n");
    if(!m->applicable)
      sd_buf_puts(b, "<p class=\"na\">Does not apply to this machine.</p>\n");
    put_charts(b, m);
    put_rows(b, m);
    for(k = 0; k < m->nfindings; k++)
      put_finding(b, &m->findings[k], order[i], k);
    sd_buf_puts(b, "</section>\n");
  }
  sd_buf_printf(b, "</main>\n<footer><p>Written by srvdoctor " SD_VERSION
                ". Collection took %ld ms, analysis %ld ms. The exit code "
                "is the verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."
                "</p></footer>\n</body>\n</html>\n",
                r->collect_ms, r->analyze_ms);
  free(order);
}
