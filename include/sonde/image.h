/* The program's own pages (code, constants, data) mapped in a few calls.
 *
 * Why: on the virtual machines sonde is measured on, a page fault costs
 * 12 us for a data page and 23 us for a code page (the kernel maps the 16
 * around it), while asking the kernel to map a range costs 0.3-0.6 us a
 * page.  A TLS probe faults in some 50 windows of its 5 MB image after main
 * starts, nearly all of it: mapped in one go it costs a third of that. */
#ifndef SONDE_IMAGE_H
#define SONDE_IMAGE_H

/* Maps the whole program image: code and constants to read, data and bss
 * to write (MADV_POPULATE_*, Linux 5.14; older kernels refuse it and the
 * pages fault in one by one as before).  For an applet about to run most
 * of the binary's code (a TLS handshake); best effort, nothing to check. */
void image_populate(void);

#endif
