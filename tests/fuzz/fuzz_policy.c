/*
 * fuzz_policy: the triage.conf parser and every list file kind.
 *
 * The first byte picks what the rest is parsed as: triage.conf, or a list
 * of extensions, hashes, domains or domains-and-URLs.  Invariants: no
 * crash, no leak, and a parse that reports no error yields a policy whose
 * limits are inside their documented ranges.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lists.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_errors errs = { NULL, 0 };
	struct policy *pol;
	const struct policy *cp;
	struct strset *set;

	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0:
		pol = policy_default();
		if (policy_parse_conf(pol, "fuzz.conf", (const char *)data + 1,
		    size - 1, &errs) == 0 && errs.n == 0 &&
		    (pol->lim.mime_depth < 2 || pol->lim.mime_depth > 256 ||
		    pol->lim.message_size < (1u << 20)))
			abort();	/* a range check let a value through */
		cp = pol;
		policy_unref(&cp);
		break;
	default:
		set = lists_parse("fuzz.txt", (const char *)data + 1, size - 1,
		    (enum lists_kind)(data[0] % 5 - 1), &errs);
		if (set != NULL) {
			(void)lists_match_domain(set, "a.example.jp");
			(void)lists_match_url_prefix(set, "https://a.example/x");
			(void)lists_has_extension(set, "exe");
		}
		lists_free(&set);
		break;
	}
	policy_errors_clear(&errs);
	return 0;
}
