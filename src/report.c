/* stub: being written */
#include "report.h"
