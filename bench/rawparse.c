/* Baseline for the benchmark: read each file and run pg_query_parse on it, nothing else. */
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long statements = 0;
  for (int i = 1; i < argc; i++) {
    FILE *file = fopen(argv[i], "rb");
    if (!file) { perror(argv[i]); return 2; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    char *text = malloc(size + 1);
    if (fread(text, 1, size, file) != (size_t)size) { perror(argv[i]); return 2; }
    text[size] = 0;
    fclose(file);
    PgQueryParseResult result = pg_query_parse(text);
    if (!result.error) statements++;
    pg_query_free_parse_result(result);
    free(text);
  }
  printf("%ld files parsed\n", statements);
  return 0;
}
