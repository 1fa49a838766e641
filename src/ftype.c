/* stub: being written */
#include "ftype.h"
