/* The applet table that applets/main.c hands to sonde_main(): lookup by
 * name, for the dispatcher and for --install alike.  Apart from the driver
 * (applet.c) so that --install (install.c), which the driver calls, can use
 * it without calling back into the driver.  The driver also leaves the table
 * here for an applet that runs other applets (check), which cannot name
 * main.c's table without a loop of calls (main.c names every applet). */
#include <string.h>

#include "sonde/applet.h"

const struct sonde_applet *applet_find(const struct sonde_applet_table *table, const char *name)
{
	size_t lo = 0, hi = table->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, table->applets[mid]->name);

		if (cmp == 0)
			return table->applets[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The table sonde_main() was given; NULL before (in unit tests). */
static const struct sonde_applet_table *current_table;

void applet_table_set_current(const struct sonde_applet_table *table)
{
	current_table = table;
}

const struct sonde_applet *applet_find_current(const char *name)
{
	return current_table ? applet_find(current_table, name) : NULL;
}
