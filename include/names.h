#ifndef TRIAGE_NAMES_H
#define TRIAGE_NAMES_H
#endif
