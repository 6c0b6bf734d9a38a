// Right way: compute may include store.
#include "store/store.h"
