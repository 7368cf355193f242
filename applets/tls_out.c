/* Rendering of a tls probe: one function per record type, each serving text
 * and JSON through the output layer. */
#include <stdio.h>
#include <string.h>

#include "tls_impl.h"

static void render_cert(struct sonde_out *out, const struct x509_info *cert, int index, int64_t now_s,
			bool showcerts)
{
	char from[32], until[32], key[64];
	size_t i;

	x509_format_time(cert->not_before, from, sizeof(from));
	x509_format_time(cert->not_after, until, sizeof(until));
	if (cert->key_curve[0])
		snprintf(key, sizeof(key), "%s %d bits (%s)", cert->key_type, cert->key_bits, cert->key_curve);
	else
		snprintf(key, sizeof(key), "%s %d bits", cert->key_type, cert->key_bits);

	out_open_object(out, NULL);
	out_print_int(out, "depth", "%3lld ", index);
	out_print_str(out, "subject", "subject:   %s\n", cert->subject);
	out_print_str(out, "issuer", "    issuer:    %s\n", cert->issuer);
	out_text(out, "    names:     ");
	out_open_array(out, "subject_alt_names");
	for (i = 0; i < cert->san_count; i++)
		out_print_str(out, NULL, i ? ", %s" : "%s", cert->sans[i]);
	out_close_array(out);
	out_text(out, "%s\n", cert->san_count ? "" : "(no subjectAltName)");
	out_print_str(out, "serial", "    serial:    %s\n", cert->serial);
	out_print_str(out, "not_before", "    valid:     %s", from);
	out_print_str(out, "not_after", " to %s", until);
	out_print_int(out, "days_left", " (%lld days left)\n", x509_days_left(cert, now_s));
	out_print_str(out, "key_type", NULL, cert->key_type);
	out_print_int(out, "key_bits", NULL, cert->key_bits);
	if (cert->key_curve[0])
		out_print_str(out, "key_curve", NULL, cert->key_curve);
	out_text(out, "    key:       %s\n", key);
	out_print_str(out, "signature_algorithm", "    signature: %s\n", cert->signature_algorithm);
	out_print_str(out, "sha256_fingerprint", "    sha256:    %s\n", cert->sha256);
	out_print_bool(out, "self_issued", NULL, cert->self_issued);
	out_print_bool(out, "ca", NULL, cert->is_ca);
	if (showcerts)
		out_print_str(out, "pem", "%s", cert->pem);
	out_close_object(out);
}

static void render_chain(struct sonde_out *out, const char *key, const char *title, const struct x509_info *chain,
			 int count, int64_t now_s, bool showcerts)
{
	int i;

	if (title)
		out_text(out, "\n%s:\n", title);
	out_open_array(out, key);
	for (i = 0; i < count; i++)
		render_cert(out, &chain[i], i, now_s, showcerts);
	out_close_array(out);
}

/* Text mode: the verified chain in one line per certificate (the details
 * of all but the anchor were shown with the chain as sent). */
static void render_trust_path(struct sonde_out *out, const struct tls_probe *p)
{
	int i;

	out_text(out, "\nVerified chain (leaf to trust anchor):\n");
	for (i = 0; i < p->verified_count; i++)
		out_text(out, "%3d %s (%lld days left)\n", i, p->verified_chain[i].subject,
			 (long long)x509_days_left(&p->verified_chain[i], p->now_s));
}

static void render_verification(struct sonde_out *out, const struct tls_probe *p)
{
	const struct tls_verification *v = &p->verification;

	out_open_object(out, "verification");
	if (v->no_trust_store)
		out_print_bool(out, "ok", "Verification:  impossible (no CA certificates)\n", false);
	else if (v->error)
		out_print_bool(out, "ok", "Verification:  FAILED: ", false);
	else
		out_print_bool(out, "ok", "Verification:  OK\n", true);
	if (v->error && !v->no_trust_store) {
		out_print_str(out, "reason", "%s", v->reason);
		out_print_int(out, "depth", " (depth %lld)\n", v->error_depth);
	} else {
		out_print_str(out, "reason", NULL, v->reason);
	}
	out_print_int(out, "error", NULL, v->error);
	out_print_str(out, "trust", "Trust:         %s\n", v->trust_source);
	out_print_bool(out, "trust_store_missing", NULL, v->no_trust_store);
	out_print_str(out, "name", "Name:          %s", v->name);
	out_print_bool(out, "name_matched", v->name_matched ? " matches the certificate\n"
							      : " does NOT match the certificate\n",
		       v->name_matched);
	out_close_object(out);
}

static void render_expiry(struct sonde_out *out, const struct tls_probe *p)
{
	const struct x509_info *list = p->verified_count > 0 ? p->verified_chain : p->chain;
	char until[32];

	if (p->chain_count <= 0)
		return;
	x509_format_time(p->chain[0].not_after, until, sizeof(until));
	out_text(out, "Leaf expires:  %s", until);
	out_print_int(out, "leaf_days_left", " (in %lld days)\n", p->leaf_days_left);
	x509_format_time(list[p->min_days_index].not_after, until, sizeof(until));
	out_text(out, "First expiry:  %s, %s", until, list[p->min_days_index].subject);
	out_print_int(out, "chain_min_days_left", " (in %lld days)\n", p->min_days_left);
}

static void render_timings(struct sonde_out *out, const struct tls_probe *p)
{
	out_open_object(out, "timings");
	out_print_double(out, "dns_ms", "Timings:       dns %.1f ms", p->dns_ms);
	out_print_double(out, "connect_ms", ", connect %.1f ms", p->connect_ms);
	if (p->starttls_ms > 0)
		out_print_double(out, "starttls_ms", ", starttls %.1f ms", p->starttls_ms);
	out_print_double(out, "handshake_ms", ", handshake %.1f ms\n", p->handshake_ms);
	out_close_object(out);
}

static void render_negotiated(struct sonde_out *out, const struct tls_probe *p)
{
	out_print_str(out, "host", "Connected to %s", p->target->host);
	out_print_str(out, "address", " (%s)", p->address);
	out_print_uint(out, "port", " port %llu\n", p->target->port);
	if (p->sni)
		out_print_str(out, "sni", "SNI:           %s\n", p->sni);
	else
		out_print_null(out, "sni", "SNI:           %s\n", "(none sent)");
	out_print_str(out, "protocol", "Protocol:      %s\n", p->protocol);
	out_print_str(out, "cipher", "Cipher:        %s\n", p->cipher);
	if (p->has_group)
		out_print_str(out, "group", "Key exchange:  %s\n", p->group);
	else
		out_print_null(out, "group", "Key exchange:  %s\n", "(none: RSA key transport)");
	if (p->has_alpn)
		out_print_str(out, "alpn", "ALPN:          %s\n", p->alpn);
	else
		out_print_null(out, "alpn", "ALPN:          %s\n", "(none)");
	out_print_str(out, "ocsp_staple", "OCSP staple:   %s\n", tls_ocsp_status_name(p->ocsp));
	out_print_bool(out, "client_certificate_requested",
		       p->cert_requested ? "Client cert:   requested by the server, none sent\n" : NULL,
		       p->cert_requested);
}

void tls_render_probe(struct sonde_out *out, const struct tls_probe *p, const struct tls_config *cfg)
{
	out_open_object(out, NULL);
	render_negotiated(out, p);
	render_verification(out, p);
	render_expiry(out, p);
	render_timings(out, p);
	render_chain(out, "chain", "Certificate chain (as sent by the server)", p->chain, p->chain_count, p->now_s,
		     cfg->showcerts);
	if (p->verified_count > 0 && out_is_json(out))
		render_chain(out, "verified_chain", NULL, p->verified_chain, p->verified_count, p->now_s,
			     cfg->showcerts);
	else if (p->verified_count > 0)
		render_trust_path(out, p);
	out_print_str(out, "verdict", "\nVerdict: %s", p->verdict);
	if (p->verdict_reason[0])
		out_print_str(out, "verdict_reason", " (%s)", p->verdict_reason);
	out_text(out, "\n");
	if (p->error[0])
		out_print_error(out, p->error, p->exit_code);
	else
		out_print_int(out, "exit_code", NULL, p->exit_code);
	out_close_object(out);
}
