/* The netlink attribute walker (sonde/nlattr.h) on fixed bytes: indexing,
 * repeated and unknown types, every malformed length it must refuse, reads
 * from an unaligned buffer, the typed reads and the nested walks. */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>

#include "sonde/nlattr.h"
#include "tap.h"

/* Appends one attribute (header, payload, padding) at buf + *used. */
static void put(uint8_t *buf, size_t *used, uint16_t type, const void *payload, uint16_t len)
{
	struct nlattr header = { (uint16_t)(NLA_HDRLEN + len), type };

	memcpy(buf + *used, &header, sizeof(header));
	memcpy(buf + *used + NLA_HDRLEN, payload, len);
	memset(buf + *used + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	*used += NLA_HDRLEN + NLA_ALIGN(len);
}

static void test_index(void)
{
	uint8_t buf[128];
	size_t used = 0;
	struct nlattr_ref tb[4];
	uint32_t u32 = 0;
	uint8_t u8 = 0;

	put(buf, &used, 1, "\x07", 1);
	put(buf, &used, 2, "\x01\x00\x00\x00", 4);
	put(buf, &used, 2, "\x02\x00\x00\x00", 4);        /* repeated: the last wins */
	put(buf, &used, 9, "xx", 2);                      /* above max: skipped */
	put(buf, &used, 3 | NLA_F_NESTED, "", 0);         /* flags are not part of the type */
	is_int(nlattr_parse(buf, used, tb, 3), 0, "parse: well-formed attributes");
	ok(!tb[0].present, "parse: type 0 absent");
	ok(nlattr_u8(&tb[1], &u8) && u8 == 7, "parse: u8 of type 1");
	ok(nlattr_u32(&tb[2], &u32) && u32 == 2, "parse: a repeated type keeps its last");
	ok(tb[3].present && tb[3].len == 0, "parse: a nested flag is masked, an empty payload is present");
	is_int(nlattr_parse(buf, used + 3, tb, 3), 0, "parse: fewer than 4 trailing bytes are ignored");
	is_int(nlattr_parse(buf, used - 7, tb, 3), -EINVAL, "parse: an attribute cut short is -EINVAL");
	ok(tb[1].present && tb[2].present, "parse: what came before a bad attribute stays indexed");
}

static void test_malformed(void)
{
	uint8_t buf[16] = { 0 };
	struct nlattr header = { 3, 1 };
	struct nlattr_ref tb[2];

	memcpy(buf, &header, sizeof(header));
	is_int(nlattr_parse(buf, sizeof(buf), tb, 1), -EINVAL, "parse: a length below the header is -EINVAL");
	header.nla_len = 0;
	memcpy(buf, &header, sizeof(header));
	is_int(nlattr_parse(buf, sizeof(buf), tb, 1), -EINVAL, "parse: a zero length does not loop");
	header.nla_len = 17;
	memcpy(buf, &header, sizeof(header));
	is_int(nlattr_parse(buf, sizeof(buf), tb, 1), -EINVAL, "parse: a length past the buffer is -EINVAL");
	header.nla_len = 6;                               /* the buffer ends before its padding */
	memcpy(buf, &header, sizeof(header));
	is_int(nlattr_parse(buf, 6, tb, 1), 0, "parse: an unpadded last attribute is accepted");
	is_int(nlattr_parse(NULL, 0, tb, 1), 0, "parse: nothing to read is no attribute");
	ok(!tb[1].present, "parse: and leaves every slot absent");
}

static void test_reads(void)
{
	uint8_t storage[128], *buf = storage + 1;        /* unaligned on purpose */
	size_t used = 0;
	struct nlattr_ref tb[8];
	uint16_t u16 = 0xaaaa;
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	char name[4], *dup;
	uint8_t fixed[6];

	put(buf, &used, 1, "\x12\x34", 2);
	put(buf, &used, 2, "\x00\x00\x01\x02", 4);
	put(buf, &used, 3, "\x00\x00\x00\x00\x00\x00\x01\x00", 8);
	put(buf, &used, 4, "eth0\0junk", 9);
	put(buf, &used, 5, "abc", 3);                     /* no NUL */
	put(buf, &used, 6, "\x01", 1);
	is_int(nlattr_parse(buf, used, tb, 7), 0, "reads: parse from an unaligned buffer");
	ok(nlattr_be16(&tb[1], &u16) && u16 == 0x1234, "be16");
	ok(nlattr_be32(&tb[2], &u32) && u32 == 0x102, "be32");
	ok(nlattr_be64(&tb[3], &u64) && u64 == 0x100, "be64");
	is_int(nlattr_be16_or0(&tb[1]), 0x1234, "be16_or0 present");
	is_int(nlattr_be32_or0(&tb[7]), 0, "be32_or0 absent is 0");
	is_int(nlattr_be64_or0(&tb[1]), 0, "be64_or0 short is 0");
	ok(nlattr_u16(&tb[1], &u16) && u16 == (uint16_t)(0x12 | 0x34 << 8), "u16 in host order");
	is_int(nlattr_u32_or0(&tb[2]), 0x02010000, "u32_or0 in host order");
	is_int(nlattr_u64_or0(&tb[6]), 0, "u64_or0 short is 0");
	u16 = 0xaaaa;
	ok(!nlattr_u16(&tb[6], &u16) && u16 == 0xaaaa, "a short attribute leaves the value untouched");
	ok(!nlattr_u32(&tb[7], &u32), "an absent attribute reads false");
	ok(nlattr_str(&tb[4], name, sizeof(name)) && strcmp(name, "eth") == 0, "str: cut to fit");
	dup = nlattr_strdup(&tb[4]);
	ok(dup && strcmp(dup, "eth0") == 0, "strdup: up to the first NUL");
	free(dup);
	dup = nlattr_strdup(&tb[5]);
	ok(dup && strcmp(dup, "abc") == 0, "strdup: a string without NUL ends with its attribute");
	free(dup);
	strcpy(name, "old");
	ok(!nlattr_str(&tb[7], name, sizeof(name)) && name[0] == '\0', "str: absent is false and empty");
	memset(fixed, 0xff, sizeof(fixed));
	nlattr_copy(&tb[1], fixed, sizeof(fixed));
	ok(fixed[0] == 0x12 && fixed[1] == 0x34 && fixed[2] == 0 && fixed[5] == 0, "copy: a short payload is zero-filled");
	nlattr_copy(&tb[3], fixed, 2);
	ok(fixed[0] == 0 && fixed[1] == 0 && fixed[2] == 0, "copy: a long payload is cut at size");
}

static int count_until(const uint8_t *payload, size_t len, void *arg)
{
	int *calls = arg;

	(void)payload;
	(void)len;
	return ++*calls == 2 ? 1 : 0;
}

static int fail_first(const uint8_t *payload, size_t len, void *arg)
{
	(void)payload;
	(void)len;
	(void)arg;
	return -ENOMEM;
}

static void test_nested(void)
{
	uint8_t inner[64], outer[128];
	size_t inner_used = 0, outer_used = 0;
	struct nlattr_ref top[3], tb[3];
	int calls = 0;

	put(inner, &inner_used, 1, "a", 1);
	put(inner, &inner_used, 1, "b", 1);
	put(inner, &inner_used, 1, "c", 1);
	put(outer, &outer_used, 2 | NLA_F_NESTED, inner, (uint16_t)inner_used);
	is_int(nlattr_parse(outer, outer_used, top, 2), 0, "nested: the outer level");
	is_int(nlattr_parse_nested(&top[2], tb, 2), 0, "nested: the inner level");
	ok(tb[1].present && tb[1].data[0] == 'c', "nested: its last 'c'");
	is_int(nlattr_parse_nested(&top[1], tb, 2), -ENOENT, "nested: an absent nest is -ENOENT");
	ok(!tb[1].present, "nested: and leaves every slot absent");
	is_int(nlattr_each(&top[2], count_until, &calls), 0, "each: fn's 1 stops without failing");
	is_int(calls, 2, "each: stopped at the second");
	is_int(nlattr_each(&top[2], fail_first, NULL), -ENOMEM, "each: fn's -errno is returned");
	is_int(nlattr_each(&top[1], fail_first, NULL), 0, "each: an absent list has no attributes");
	top[2].len = (uint16_t)(top[2].len - 4);
	is_int(nlattr_each(&top[2], count_until, &calls), -EINVAL, "each: a cut attribute is -EINVAL");
}

int main(void)
{
	test_index();
	test_malformed();
	test_reads();
	test_nested();
	return tap_exit();
}
