#ifndef TRIAGE_FTYPE_H
#define TRIAGE_FTYPE_H
#endif
