/* sonde --install: a link per applet, named after it, so argv[0] dispatch
 * works.  It never replaces what is there without --force: a distribution's
 * /usr/bin/nc or /usr/sbin/iptables is someone else's. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"

struct install_req {
	const struct sonde_applet_table *table;
	const char *dir;
	bool force, hard;
	char **applets;    /* names given, or none: every applet */
	int applet_count;
	char self[PATH_MAX]; /* the running binary */
	struct stat self_st;
};

/* Is dir/name an executable file?  Fills path. */
static bool executable_in(const char *dir, const char *name, char *path, size_t size)
{
	int len = snprintf(path, size, "%s/%s", *dir ? dir : ".", name);
	struct stat st;

	return len > 0 && (size_t)len < size && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

/* Looks argv0 up in $PATH as the shell did to run it. */
static int search_path(const char *argv0, char *found, size_t size)
{
	const char *path_env = getenv("PATH");
	char dir[PATH_MAX];

	while (path_env && *path_env) {
		size_t len = strcspn(path_env, ":");

		if (len < sizeof(dir)) {
			memcpy(dir, path_env, len);
			dir[len] = '\0';
			if (executable_in(dir, argv0, found, size))
				return 0;
		}
		path_env += len + (path_env[len] == ':');
	}
	return -ENOENT;
}

/* path made absolute against the working directory (a link elsewhere must
 * not depend on where --install ran). */
static int absolute_path(const char *path, char out[PATH_MAX])
{
	char cwd[PATH_MAX];
	int len;

	if (path[0] == '/')
		len = snprintf(out, PATH_MAX, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		len = snprintf(out, PATH_MAX, "%s/%s", cwd, path);
	else
		return -errno;
	return len > 0 && len < PATH_MAX ? 0 : -ENAMETOOLONG;
}

/* The running binary: /proc/self/exe, or without /proc the path it was run
 * by (argv[0], through $PATH when it has no slash). */
static int find_self(const char *argv0, char self[PATH_MAX])
{
	char found[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, PATH_MAX - 1);

	if (len > 0) {
		self[len] = '\0';
		return 0;
	}
	if (!argv0 || !*argv0)
		return -ENOENT;
	if (!strchr(argv0, '/')) {
		if (search_path(argv0, found, sizeof(found)) < 0)
			return -ENOENT;
		argv0 = found;
	}
	return absolute_path(argv0, self);
}

static int parse_install_args(int argc, char **argv, struct install_req *req)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			req->force = true;
		else if (strcmp(argv[i], "--hard") == 0)
			req->hard = true;
		else if (argv[i][0] == '-')
			return sonde_usage_error("--install: unknown option %s", argv[i]);
		else if (!req->dir)
			req->dir = argv[i];
		else if (!applet_find(req->table, argv[i]))
			return sonde_usage_error("--install: no applet named '%s'", argv[i]);
		else
			req->applets[req->applet_count++] = argv[i];
	}
	if (!req->dir)
		return sonde_usage_error("--install: a directory is needed: "
					 "sonde --install [--force] [--hard] DIR [APPLET...]");
	return 0;
}

/* What a symlink in dir should hold: "sonde" when the binary sits in dir
 * (the links move with it), else the binary's absolute path. */
static const char *link_target(const struct install_req *req)
{
	char beside[PATH_MAX];
	struct stat st;

	snprintf(beside, sizeof(beside), "%s/sonde", req->dir);
	if (stat(beside, &st) == 0 && st.st_dev == req->self_st.st_dev && st.st_ino == req->self_st.st_ino)
		return "sonde";
	return req->self;
}

/* Does path already lead to this binary? */
static bool is_self(const struct install_req *req, const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev == req->self_st.st_dev && st.st_ino == req->self_st.st_ino;
}

/* Installs one name.  Returns 0 (done or already there), 1 (left alone) or
 * -errno. */
static int install_one(const struct install_req *req, const char *name, const char *target)
{
	char path[PATH_MAX];
	struct stat st;
	int len = snprintf(path, sizeof(path), "%s/%s", req->dir, name);

	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	if (lstat(path, &st) == 0) {
		/* A link of the asked kind to this binary is already what we want. */
		if (is_self(req, path) && S_ISLNK(st.st_mode) != req->hard)
			return 0;
		if (S_ISDIR(st.st_mode)) {
			sonde_err("--install: %s is a directory; left alone", path);
			return 1;
		}
		if (!req->force) {
			sonde_err("--install: %s exists (%s); left alone (--force replaces it)", path,
				  S_ISLNK(st.st_mode) ? "a link" : "a file");
			return 1;
		}
		if (unlink(path) < 0)
			return -errno;
	}
	if ((req->hard ? link(req->self, path) : symlink(target, path)) < 0)
		return -errno;
	return 0;
}

int applet_install(const struct sonde_applet_table *table, const char *argv0, int argc, char **argv)
{
	struct install_req req = { .table = table };
	const char *target;
	size_t i;
	int rc, left_alone = 0, failures = 0, n;

	req.applets = calloc((size_t)argc + 1, sizeof(*req.applets));
	if (!req.applets)
		return SONDE_EXIT_NEGATIVE;
	rc = parse_install_args(argc, argv, &req);
	if (rc)
		goto done;
	rc = find_self(argv0, req.self);
	if (rc == 0 && stat(req.self, &req.self_st) < 0)
		rc = -errno;
	if (rc < 0) {
		sonde_errno(rc, "--install: cannot find the running binary (no /proc: run sonde by its path)");
		rc = SONDE_EXIT_NEGATIVE;
		goto done;
	}
	target = link_target(&req);
	n = req.applet_count ? req.applet_count : (int)table->count;
	for (i = 0; i < (size_t)n; i++) {
		const char *name = req.applet_count ? req.applets[i] : table->applets[i]->name;

		rc = install_one(&req, name, target);
		if (rc == 1)
			left_alone++;
		if (rc < 0) {
			sonde_errno(rc, "--install: cannot create %s/%s", req.dir, name);
			failures++;
		}
	}
	rc = failures || left_alone ? SONDE_EXIT_NEGATIVE : SONDE_EXIT_OK;
done:
	free(req.applets);
	return rc;
}
