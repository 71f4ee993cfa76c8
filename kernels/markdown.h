/*
 * markdown.h - CommonMark to HTML through libcmark, for notebook pages.
 * Raw HTML in the text is not passed through (cmark's safe default).
 */
#ifndef ML_MARKDOWN_H
#define ML_MARKDOWN_H

#include <stddef.h>

#include "tensor.h"

/* The HTML of n bytes of CommonMark text into *out (malloc'd, NUL-ended; the
 * caller frees it).  smart: typographic quotes and dashes.  ML_ENOMEM on
 * allocation failure. */
int ml_markdown_html(const char *text, size_t n, int smart, char **out, ml_error *e);

#endif
