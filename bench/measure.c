/* Runs a command and prints its wall time, CPU time (user + system) and peak resident memory.
   The bench measures through this small program rather than from Python: a child's peak RSS
   starts from its parent's at fork (and at exec from vfork), so a large parent would inflate
   every small command's figure. The command's standard error goes to /dev/null; the result is
   written to standard error as "wall_seconds cpu_seconds peak_kib exit_code". */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: measure command [argument...]\n");
    return 2;
  }
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  int reporting = dup(2);
  pid_t child = fork();
  if (child == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  wait4(child, &status, 0, &usage);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double wall = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
  double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  dprintf(reporting, "%.6f %.6f %ld %d\n", wall, cpu, usage.ru_maxrss, code);
  return 0;
}
