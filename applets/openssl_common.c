/* openssl, shared by x509 and s_client: -nameopt's words and the way
 * openssl's apps print a distinguished name ("subject=CN = x"). */
#include <openssl/x509.h>
#include <string.h>
#include <strings.h>

#include "openssl_impl.h"

struct nameopt_word {
	const char *name;
	unsigned long flag, mask;
};

/* The words openssl's -nameopt takes, with the flags each sets (a word
 * that sets a field of several bits clears the field first). */
static const struct nameopt_word nameopt_words[] = {
	{ "esc_2253", ASN1_STRFLGS_ESC_2253, 0 },
	{ "esc_2254", ASN1_STRFLGS_ESC_2254, 0 },
	{ "esc_ctrl", ASN1_STRFLGS_ESC_CTRL, 0 },
	{ "esc_msb", ASN1_STRFLGS_ESC_MSB, 0 },
	{ "use_quote", ASN1_STRFLGS_ESC_QUOTE, 0 },
	{ "utf8", ASN1_STRFLGS_UTF8_CONVERT, 0 },
	{ "ignore_type", ASN1_STRFLGS_IGNORE_TYPE, 0 },
	{ "show_type", ASN1_STRFLGS_SHOW_TYPE, 0 },
	{ "dump_all", ASN1_STRFLGS_DUMP_ALL, 0 },
	{ "dump_nostr", ASN1_STRFLGS_DUMP_UNKNOWN, 0 },
	{ "dump_der", ASN1_STRFLGS_DUMP_DER, 0 },
	{ "compat", XN_FLAG_COMPAT, 0 },
	{ "sep_comma_plus", XN_FLAG_SEP_COMMA_PLUS, XN_FLAG_SEP_MASK },
	{ "sep_comma_plus_space", XN_FLAG_SEP_CPLUS_SPC, XN_FLAG_SEP_MASK },
	{ "sep_semi_plus_space", XN_FLAG_SEP_SPLUS_SPC, XN_FLAG_SEP_MASK },
	{ "sep_multiline", XN_FLAG_SEP_MULTILINE, XN_FLAG_SEP_MASK },
	{ "dn_rev", XN_FLAG_DN_REV, 0 },
	{ "nofname", XN_FLAG_FN_NONE, XN_FLAG_FN_MASK },
	{ "sname", XN_FLAG_FN_SN, XN_FLAG_FN_MASK },
	{ "lname", XN_FLAG_FN_LN, XN_FLAG_FN_MASK },
	{ "align", XN_FLAG_FN_ALIGN, 0 },
	{ "oid", XN_FLAG_FN_OID, XN_FLAG_FN_MASK },
	{ "space_eq", XN_FLAG_SPC_EQ, 0 },
	{ "dump_unknown", XN_FLAG_DUMP_UNKNOWN_FIELDS, 0 },
	{ "RFC2253", XN_FLAG_RFC2253, 0xffffffffUL },
	{ "oneline", XN_FLAG_ONELINE, 0xffffffffUL },
	{ "multiline", XN_FLAG_MULTILINE, 0xffffffffUL },
	{ "ca_default", XN_FLAG_MULTILINE, 0xffffffffUL },
};

/* One word, "-word" clearing what "word" sets. */
static bool apply_nameopt_word(const char *word, size_t len, unsigned long *flags)
{
	bool set = true;
	size_t i;

	if (len && (word[0] == '-' || word[0] == '+')) {
		set = word[0] == '+';
		word++, len--;
	}
	for (i = 0; i < sizeof(nameopt_words) / sizeof(nameopt_words[0]); i++) {
		const struct nameopt_word *w = &nameopt_words[i];

		if (strlen(w->name) != len || strncasecmp(word, w->name, len) != 0)
			continue;
		*flags &= ~w->mask;
		*flags = set ? *flags | w->flag : *flags & ~w->flag;
		return true;
	}
	return false;
}

bool openssl_parse_nameopt(const char *arg, unsigned long *flags)
{
	while (*arg) {
		size_t len;

		while (*arg == ' ' || *arg == '\t')
			arg++;
		len = strcspn(arg, ",");
		while (len && (arg[len - 1] == ' ' || arg[len - 1] == '\t'))
			len--;
		if (!apply_nameopt_word(arg, len, flags))
			return false;
		arg += strcspn(arg, ",");
		arg += *arg == ',';
	}
	/* As openssl: a set without a separator gets ", " and "+ ". */
	if (*flags != XN_FLAG_COMPAT && (*flags & XN_FLAG_SEP_MASK) == 0)
		*flags |= XN_FLAG_SEP_CPLUS_SPC;
	return true;
}

unsigned long openssl_default_nameopt(void)
{
	return XN_FLAG_ONELINE;
}

void openssl_print_name(BIO *out, const char *title, const X509_NAME *name, unsigned long nameopt)
{
	bool multiline = (nameopt & XN_FLAG_SEP_MASK) == XN_FLAG_SEP_MULTILINE;

	BIO_puts(out, title);
	if (nameopt == XN_FLAG_COMPAT) {
		char *line = X509_NAME_oneline(name, NULL, 0);

		BIO_puts(out, line ? line : "");
		OPENSSL_free(line);
	} else {
		if (multiline)
			BIO_puts(out, "\n");
		X509_NAME_print_ex(out, name, multiline ? 4 : 0, nameopt);
	}
	BIO_puts(out, "\n");
}
