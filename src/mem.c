/* stub: being written */
#include "mem.h"
