/* stub: being written */
#include "hash.h"
