/* stub: being written */
#include "lists.h"
