/* stub: being written */
#include "uni.h"
