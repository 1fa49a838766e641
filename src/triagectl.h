/*
 * triagectl.h: shared between the parts of the triagectl program.
 */
#ifndef TRIAGE_TRIAGECTL_H
#define TRIAGE_TRIAGECTL_H

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define CTL_DEFAULT_POLICY	SYSCONFDIR "/triage-milter"

struct policy;

/* Print the usage to stderr and return 2. */
int		 ctl_usage_error(void);
/* Load a policy, printing every error; NULL on failure. */
struct policy	*ctl_policy(const char *dir);
/* triagectl quarantine ... (triagectl_quar.c) */
int		 ctl_quarantine(int argc, char **argv);
/* triagectl stats ... (triagectl_stats.c) */
int		 ctl_stats(int argc, char **argv);

#endif
