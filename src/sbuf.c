/* stub: being written */
#include "sbuf.h"
