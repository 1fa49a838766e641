#ifndef TRIAGE_UNI_H
#define TRIAGE_UNI_H
#endif
