/*
 * markdown.c - CommonMark to HTML (see markdown.h): a thin wrapper over
 * libcmark's one-call API.  No parsing of our own, no extensions.
 */
#include <cmark.h>

#include "markdown.h"

int ml_markdown_html(const char *text, size_t n, int smart, char **out, ml_error *e)
{
	*out = cmark_markdown_to_html(text, n, CMARK_OPT_DEFAULT | (smart ? CMARK_OPT_SMART : 0));
	if (!*out)
		return ml_fail(e, ML_ENOMEM, "markdown: cannot convert %zu bytes", n);
	return ML_OK;
}
