/* The applet table (from applets.def) and the process entry point. */
#include "sonde/applet.h"

#define APPLET(name) extern const struct sonde_applet applet_##name;
#include "applets.def"
#undef APPLET

#define APPLET(name) &applet_##name,
static const struct sonde_applet *const applets[] = {
#include "applets.def"
};
#undef APPLET

static const struct sonde_applet_table applet_table = {
	.applets = applets,
	.count = sizeof(applets) / sizeof(applets[0]),
};

/* Runs before the libraries' constructors (OpenSSL's, libnl's), whose
 * first touches of the image would otherwise fault its pages in one by
 * one. */
static void preinit(int argc, char **argv, char **envp)
{
	(void)envp;
	applet_preinit(&applet_table, argc, argv);
}

__attribute__((used, section(".preinit_array"))) static void (*const preinit_entry)(int, char **, char **) = preinit;

int main(int argc, char **argv)
{
	return sonde_main(&applet_table, argc, argv);
}
