/* stub: being written */
#include "arena.h"
