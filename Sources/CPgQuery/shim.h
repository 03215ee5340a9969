// libpg_query's public API (Debian package libpg-query-dev).
#include <pg_query.h>
