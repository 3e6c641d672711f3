#include "CNcursesShim.h"
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
int reverb_color_pair(int n) { return COLOR_PAIR(n); }
