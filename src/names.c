/* stub: being written */
#include "names.h"
