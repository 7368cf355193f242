/* The applet table (from applets.def) and the process entry point. */
#include "sonde/applet.h"

#define APPLET(name) extern const struct sonde_applet applet_##name;
#include "applets.def"
#undef APPLET

#define APPLET(name) &applet_##name,
const struct sonde_applet *const sonde_applets[] = {
#include "applets.def"
};
#undef APPLET

const size_t sonde_applet_count = sizeof(sonde_applets) / sizeof(sonde_applets[0]);

int main(int argc, char **argv)
{
	return sonde_main(argc, argv);
}
