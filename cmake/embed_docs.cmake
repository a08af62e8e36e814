# Turn documentation pages into C byte arrays: called as
#   cmake -DOUT=doc_pages.c -DDOCS=<repo>/docs -P embed_docs.cmake
# The page name is the file name without ".md".
set(body "/* Generated from docs/ by cmake/embed_docs.cmake: do not edit. */\n")
string(APPEND body "#include \"tool.h\"\n\n")
set(table "")
set(count 0)
file(GLOB PAGES "${DOCS}/findings/*.md" "${DOCS}/modules/*.md")
list(SORT PAGES)
foreach(page IN LISTS PAGES)
  get_filename_component(name "${page}" NAME_WE)
  # Each page as a byte array: string literals longer than 4095 bytes are
  # not portable C (-Woverlength-strings).  CR is dropped, a tab becomes
  # two spaces.
  file(READ "${page}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(REPLACE "0x0d," "" hex "${hex}")
  string(REPLACE "0x09," "0x20,0x20," hex "${hex}")
  string(REPLACE "0x0a," "0x0a,\n  " hex "${hex}")
  string(APPEND body "static const unsigned char page_${count}[] = {\n  ${hex}0x00};\n")
  string(APPEND table "  {\"${name}\", (const char *)page_${count}},\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  set(table "  {\"\", \"\"},\n")
endif()
string(APPEND body "\nconst sd_doc_page sd_doc_pages[] = {\n${table}};\n")
string(APPEND body "const size_t sd_ndoc_pages = ${count};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(RENAME "${OUT}.tmp" "${OUT}")
