/* stub: being written */
#include "verdict.h"
