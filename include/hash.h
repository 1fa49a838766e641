#ifndef TRIAGE_HASH_H
#define TRIAGE_HASH_H
#endif
