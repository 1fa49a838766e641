/* stub: being written */
#include "scan.h"
