/* stub: being written */
#include "policy.h"
