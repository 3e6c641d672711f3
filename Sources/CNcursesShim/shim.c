#define _XOPEN_SOURCE_EXTENDED 1
#include "CNcursesShim.h"
#include <locale.h>
#include <ncursesw/curses.h>

static SCREEN *screen = NULL;

int reverb_screen_start(void) {
    setlocale(LC_ALL, "");
    /* newterm, unlike initscr, returns NULL for an unusable TERM instead of exiting the process. */
    screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) return -1;
    set_term(screen);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    return 0;
}

void reverb_screen_stop(void) {
    if (screen == NULL) return;
    mousemask(0, NULL);
    curs_set(1);
    endwin();
    delscreen(screen);
    screen = NULL;
}

int reverb_start_colors(void) {
    if (!has_colors()) return 0;
    start_color();
    use_default_colors();
    return COLORS;
}

void reverb_define_pair(int pair, int foreground, int background) {
    init_pair((short)pair, (short)foreground, (short)background);
}

int reverb_screen_width(void) { return getmaxx(stdscr); }
int reverb_screen_height(void) { return getmaxy(stdscr); }

static unsigned int function_key(wint_t key) {
    switch (key) {
    case KEY_UP: return REVERB_FN_UP;
    case KEY_DOWN: return REVERB_FN_DOWN;
    case KEY_LEFT: return REVERB_FN_LEFT;
    case KEY_RIGHT: return REVERB_FN_RIGHT;
    case KEY_HOME: return REVERB_FN_HOME;
    case KEY_END: return REVERB_FN_END;
    case KEY_PPAGE: return REVERB_FN_PAGE_UP;
    case KEY_NPAGE: return REVERB_FN_PAGE_DOWN;
    case KEY_BTAB: return REVERB_FN_BACK_TAB;
    case KEY_BACKSPACE: return REVERB_FN_BACKSPACE;
    case KEY_DC: return REVERB_FN_DELETE;
    case KEY_ENTER: return REVERB_FN_ENTER;
    case KEY_RESIZE: return REVERB_FN_RESIZE;
    case KEY_MOUSE: return REVERB_FN_MOUSE;
    default: return REVERB_FN_OTHER;
    }
}

int reverb_read_key(int timeout_ms, unsigned int *code) {
    wint_t value = 0;
    timeout(timeout_ms);
    int status = get_wch(&value);
    if (status == KEY_CODE_YES) {
        *code = function_key(value);
        return REVERB_KEY_FUNCTION;
    }
    *code = (unsigned int)value;
    return status == OK ? REVERB_KEY_CHARACTER : REVERB_KEY_NONE;
}

int reverb_read_mouse(int *x, int *y, int *button) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) *button = REVERB_MOUSE_PRESS;
    else if (event.bstate & BUTTON4_PRESSED) *button = REVERB_MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
    else if (event.bstate & BUTTON5_PRESSED) *button = REVERB_MOUSE_WHEEL_DOWN;
#endif
    else *button = REVERB_MOUSE_OTHER;
    return 1;
}

void reverb_set_mouse(bool enabled) {
    if (enabled) {
        mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                  | BUTTON5_PRESSED
#endif
                  , NULL);
        mouseinterval(0);
    } else {
        mousemask(0, NULL);
    }
}

void reverb_begin_frame(void) { erase(); }

void reverb_put(int y, int x, const wchar_t *text, int count, int attributes, int pair) {
    attr_t attrs = A_NORMAL;
    if (attributes & REVERB_ATTR_BOLD) attrs |= A_BOLD;
    if (attributes & REVERB_ATTR_REVERSE) attrs |= A_REVERSE;
    if (attributes & REVERB_ATTR_DIM) attrs |= A_DIM;
    if (attributes & REVERB_ATTR_UNDERLINE) attrs |= A_UNDERLINE;
    attr_set(attrs, (short)pair, NULL);
    mvaddnwstr(y, x, text, count);
    attr_set(A_NORMAL, 0, NULL);
}

void reverb_end_frame(void) {
    wnoutrefresh(stdscr);
    doupdate();
}
