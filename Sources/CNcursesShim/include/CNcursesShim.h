#ifndef CNCURSES_SHIM_PUBLIC_H
#define CNCURSES_SHIM_PUBLIC_H

/* Functions for what ncurses offers only as macros or through `stdscr`, so Swift can call them.
   Only NcursesScreen (Sources/ReverbTUI/Console) uses this module. */

#include <stdbool.h>
#include <wchar.h>

/* Text attributes as flags the shim translates (Swift cannot import A_BOLD and friends). */
enum {
    REVERB_ATTR_BOLD = 1 << 0,
    REVERB_ATTR_REVERSE = 1 << 1,
    REVERB_ATTR_DIM = 1 << 2,
    REVERB_ATTR_UNDERLINE = 1 << 3,
};

/* What reverb_read_key found. */
enum {
    REVERB_KEY_NONE = 0,      /* timeout: nothing typed */
    REVERB_KEY_CHARACTER = 1, /* *code is a Unicode scalar or control character */
    REVERB_KEY_FUNCTION = 2,  /* *code is one of the REVERB_FN_* values below */
};

/* Function keys, translated from ncurses' KEY_* so Swift needs no curses constants. */
enum {
    REVERB_FN_OTHER = 0,
    REVERB_FN_UP,
    REVERB_FN_DOWN,
    REVERB_FN_LEFT,
    REVERB_FN_RIGHT,
    REVERB_FN_HOME,
    REVERB_FN_END,
    REVERB_FN_PAGE_UP,
    REVERB_FN_PAGE_DOWN,
    REVERB_FN_BACK_TAB,
    REVERB_FN_BACKSPACE,
    REVERB_FN_DELETE,
    REVERB_FN_ENTER,
    REVERB_FN_RESIZE,
    REVERB_FN_MOUSE,
};

/* Mouse buttons reported by reverb_read_mouse. */
enum {
    REVERB_MOUSE_OTHER = 0,
    REVERB_MOUSE_PRESS = 1,
    REVERB_MOUSE_WHEEL_UP = 4,
    REVERB_MOUSE_WHEEL_DOWN = 5,
};

/* Enters curses mode: locale, raw keys, no echo, keypad, hidden cursor, short ESC delay. 0 on success. */
int reverb_screen_start(void);
/* Leaves curses mode and restores the terminal. Safe to call twice. */
void reverb_screen_stop(void);
/* Colour support: how many colours the terminal has (0 when it has none). */
int reverb_start_colors(void);
/* Defines colour pair `pair` (fg/bg -1 = terminal default). */
void reverb_define_pair(int pair, int foreground, int background);
int reverb_screen_width(void);
int reverb_screen_height(void);
/* Waits up to `timeout_ms` (negative: forever) for one key. */
int reverb_read_key(int timeout_ms, unsigned int *code);
/* Reads the pending mouse event; 1 when there was one. */
int reverb_read_mouse(int *x, int *y, int *button);
void reverb_set_mouse(bool enabled);
/* Clears the frame buffer before a new frame. */
void reverb_begin_frame(void);
/* Writes `count` wide characters at (x, y) with an attribute set and colour pair (0 = none). */
void reverb_put(int y, int x, const wchar_t *text, int count, int attributes, int pair);
/* Sends the frame to the terminal in one update. */
void reverb_end_frame(void);

#endif
