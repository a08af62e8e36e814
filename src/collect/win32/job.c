/* job.c - a worker thread with a deadline on a reference-counted job. */
#include "job.h"

#define JOB_STACK (256 * 1024)

void sd_job_init(sd_job *j, void (*work)(sd_job *),
                 void (*destroy)(sd_job *))
{
  j->refs = 1;
  j->work = work;
  j->destroy = destroy;
}

void sd_job_release(sd_job *j)
{
  if(InterlockedDecrement(&j->refs) == 0)
    j->destroy(j);
}

static DWORD WINAPI job_main(LPVOID arg)
{
  sd_job *j = arg;
  j->work(j);
  sd_job_release(j);
  return 0;
}

int sd_job_run(sd_job *j, DWORD deadline_ms, DWORD *err)
{
  HANDLE t;
  DWORD w;
  InterlockedIncrement(&j->refs); /* the worker's */
  t = CreateThread(NULL, JOB_STACK, job_main, j, 0, NULL);
  if(!t) {
    *err = GetLastError();
    InterlockedDecrement(&j->refs);
    return -1;
  }
  w = WaitForSingleObject(t, deadline_ms);
  CloseHandle(t);
  return w == WAIT_OBJECT_0 ? 0 : 1;
}
