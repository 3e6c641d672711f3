#ifndef CNCURSES_SHIM_PUBLIC_H
#define CNCURSES_SHIM_PUBLIC_H
int reverb_color_pair(int n);
#endif
