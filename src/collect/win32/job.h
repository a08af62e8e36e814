/* job.h - work in a thread of its own that the caller waits for with a
 * deadline (job.c), for the collectors that must not hang the run. */
#ifndef SRVDOCTOR_COLLECT_JOB_H
#define SRVDOCTOR_COLLECT_JOB_H

#include <windows.h>

/* The first member of a collector's job.  The caller and the worker each
 * hold a reference; whoever lets go last calls destroy, so a caller that
 * stopped waiting leaves a worker that frees the job when it returns. */
typedef struct sd_job {
  volatile LONG refs;
  void (*work)(struct sd_job *j);    /* runs in the worker thread */
  void (*destroy)(struct sd_job *j); /* frees the job */
} sd_job;

/* The caller's reference, before the job is shared. */
void sd_job_init(sd_job *j, void (*work)(sd_job *),
                 void (*destroy)(sd_job *));
/* Run work in a new thread and wait at most deadline_ms: 0 when it
 * finished (what it wrote can be read), 1 when it did not (it may still
 * be running), -1 with *err set when no thread could be started.  The
 * caller still holds its reference in every case. */
int sd_job_run(sd_job *j, DWORD deadline_ms, DWORD *err);
void sd_job_release(sd_job *j);

#endif
