// CWordLock is its header's two inline functions; SwiftPM wants one source file per C target.
#include "CWordLock.h"
