/* stub: being written */
#include "analyse.h"
