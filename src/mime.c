/* stub: being written */
#include "mime.h"
