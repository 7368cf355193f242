/* One exit-code scheme for every applet (docs/exit-codes.md). */
#ifndef SONDE_EXITCODE_H
#define SONDE_EXITCODE_H

enum sonde_exit {
	SONDE_EXIT_OK = 0,             /* success: reached, open, verified */
	SONDE_EXIT_NEGATIVE = 1,       /* the answer is no: unreachable, closed, failed */
	SONDE_EXIT_USAGE = 2,          /* bad command line or input */
	SONDE_EXIT_PRIVILEGE = 3,      /* a capability or permission is missing */
	SONDE_EXIT_TIMEOUT = 4,        /* the outcome is a timeout */
	SONDE_EXIT_INTERRUPTED = 130,  /* stopped by SIGINT (128 + 2, as a shell and nmap report it) */
	SONDE_EXIT_UNKNOWN_APPLET = 127,
};

#endif
