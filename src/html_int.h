/*
 * html_int: private interface of the html module: the tokenizer
 * (html_tok.c), value helpers (html_util.c: entities, URLs, data: URIs,
 * embedded binaries, script indicators) and the document walk (html.c).
 * Not installed; nothing outside the html module includes it.
 *
 * Untrusted input: every byte.  All functions take (pointer, length),
 * never rely on NUL, never recurse and run in time linear in their input.
 * Thread-safe: no global state.
 */
#ifndef TRIAGE_HTML_INT_H
#define TRIAGE_HTML_INT_H

#include <stddef.h>
#include <string.h>

struct sbuf;

#define HTML_NAME_MAX	48	/* tag/attribute name kept (longer: cut) */

enum html_ev {
	HTML_EV_EOF = 0,
	HTML_EV_TEXT,		/* text between tags (val: raw bytes) */
	HTML_EV_START,		/* "<name" (name) */
	HTML_EV_ATTR,		/* attribute of the open start tag */
	HTML_EV_START_END,	/* ">" or "/>" ending a start tag (selfclose) */
	HTML_EV_END,		/* "</name ...>" (name) */
	HTML_EV_RAW,		/* contents of script, style, ... (name, val) */
	HTML_EV_COMMENT		/* <!-- -->, <!...>, <?...>, "</>" (val) */
};

/*
 * A pull tokenizer over buf[0..len) after the HTML5 tokenizer's rules
 * (tolerant of anything: every byte sequence tokenizes).  In xml mode
 * (an SVG document, or inside <svg>/<math>: the walker sets it) only
 * script and style hold raw text and CDATA sections are text.
 * Event data points into buf or into the struct: valid until the next
 * call.
 */
struct html_tok {
	const unsigned char	*p, *end;
	int			 intag;		/* emitting attributes */
	int			 rawmode;	/* next: raw text */
	int			 xml;		/* set by the caller */
	char			 raw[HTML_NAME_MAX];
	char			 tag[HTML_NAME_MAX];	/* open start tag */
	/* the current event */
	enum html_ev		 ev;
	char			 name[HTML_NAME_MAX];	/* lowercased */
	const unsigned char	*val;
	size_t			 vlen;
	int			 hasval;	/* ATTR: "=" seen */
	int			 selfclose;	/* START_END: "/>" */
};

void		html_tok_init(struct html_tok *, const unsigned char *buf,
		    size_t len);
enum html_ev	html_tok_next(struct html_tok *);

/*
 * Decode character references (&amp; &#x41; &#65; and the common named
 * ones) in in[0..len), appending to out (bounded by its max).  attr: the
 * attribute-value rules (a legacy reference without ';' followed by an
 * alphanumeric or '=' stays as it is); otherwise text rules, where &nbsp;
 * becomes a plain space.
 */
void	html_decode(const unsigned char *in, size_t len, int attr,
	    struct sbuf *out);

/*
 * A URL as a browser reads an attribute value: leading and trailing
 * white space and C0 controls removed, TAB/CR/LF/NUL inside removed.  Works
 * in place on s[0..*len_r).
 */
void	html_url_clean(char *s, size_t *len_r);
/*
 * The scheme of an absolute URL, lowercased into scheme[cap] (cut); its
 * length, or 0 when url is relative.  A one-letter scheme is a Windows
 * drive ("C:\"), returned as 1.
 */
size_t	html_url_scheme(const char *url, size_t len, char *scheme,
	    size_t cap);
/*
 * Resolve rel against the absolute base (RFC 3986 section 5.2, without
 * dot-segment removal: urlcheck normalises) into out (reset first).
 * Returns 0, or -1 when base has no authority to resolve against.
 */
int	html_url_resolve(const char *base, size_t blen, const char *rel,
	    size_t rlen, struct sbuf *out);

/*
 * The media type of a data: URI (url starts with "data:"), lowercased
 * into type[cap] ("" when absent); *b64_r says ";base64", *payload_r is
 * the offset of the data after ','.  Returns 0, or -1 without a ','.
 */
int	html_data_type(const char *url, size_t len, char *type, size_t cap,
	    int *b64_r, size_t *payload_r);
/* Does a data: URI's media type announce a file a user would run? */
int	html_data_binary(const char *type);

/*
 * Decode up to cap bytes of the base64 text in[0..len) into out;
 * returns bytes written.
 */
size_t	html_b64_prefix(const unsigned char *in, size_t len,
	    unsigned char *out, size_t cap);
/*
 * Does buf (a decoded prefix) start like a program, an archive, a disk
 * image, a shortcut or an OLE/OneNote document?  Returns a short name
 * ("PE executable") or NULL.  Cheap: fixed offsets only.
 */
const char *html_binary_magic(const unsigned char *buf, size_t len);

/* Indicators found in script text (html_js_scan). */
#define HTML_JS_ATOB		0x0001	/* atob( */
#define HTML_JS_BLOB		0x0002	/* Blob( */
#define HTML_JS_OBJURL		0x0004	/* createObjectURL */
#define HTML_JS_SAVEBLOB	0x0008	/* msSaveOrOpenBlob, msSaveBlob */
#define HTML_JS_U8		0x0010	/* Uint8Array */
#define HTML_JS_CHARCODE	0x0020	/* fromCharCode */
#define HTML_JS_DOWNLOAD	0x0040	/* .download / "download" */
#define HTML_JS_NET		0x0080	/* XMLHttpRequest, fetch(, ajax(, ... */
#define HTML_JS_EVAL		0x0100	/* eval( */
#define HTML_JS_WRITE		0x0200	/* document.write( */
#define HTML_JS_UNESCAPE	0x0400	/* unescape(, decodeURIComponent( */
#define HTML_JS_LOCATION	0x0800	/* location, window.open( */
#define HTML_JS_DATAURI		0x1000	/* "data:" in a string */
#define HTML_JS_ACTIVEX		0x2000	/* ActiveXObject, WScript */

/* Indicator bits of script text s[0..n): one pass over identifiers. */
unsigned	html_js_scan(const unsigned char *s, size_t n);

/* ---- the document walk (html_walk.c) ---------------------------------- */

/* strcmp(a, b) == 0, cheaper when the first bytes differ (most tags). */
static inline int
html_eq(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

struct html_link;
struct msgctx;

/* Attributes the walk keeps per start tag (first occurrence wins). */
enum html_attr {
	HTML_A_HREF, HTML_A_SRC, HTML_A_ACTION, HTML_A_FORMACTION, HTML_A_DATA,
	HTML_A_BACKGROUND, HTML_A_POSTER, HTML_A_XHREF, HTML_A_TYPE,
	HTML_A_NAME, HTML_A_ID, HTML_A_AUTOCOMPLETE, HTML_A_PLACEHOLDER,
	HTML_A_HTTPEQUIV, HTML_A_CONTENT, HTML_A_ALT, HTML_A_DOWNLOAD,
	HTML_A_COUNT
};

struct html_val {
	const unsigned char	*p;
	size_t			 n;
	int			 set;
};

/* What a form held (evaluated at </form>, the next <form> or the end). */
struct html_form {
	int		open;
	int		pw;		/* type=password */
	int		pw_like;	/* a field named like a password */
	int		user;		/* an e-mail/user field */
	int		posts_out;	/* posts to an absolute http(s) URL */
	char		action[256];	/* for the finding's detail */
};

struct html_doc {
	/* set by the caller */
	int		 svg;		/* an SVG document */
	int		 body;		/* the mail body */
	void		(*cb)(void *, const struct html_link *);
	void		*cbarg;

	struct html_tok	 tok;
	unsigned	 svg_depth;	/* <svg>/<math> open inside HTML */
	struct html_val	 a[HTML_A_COUNT];
	struct sbuf	*url;		/* scratch: the URL being handled */
	struct sbuf	*tmp;		/* scratch */
	struct sbuf	*base;		/* <base href>, "" if none */
	/* the open <a> and its text */
	int		 in_a;
	struct sbuf	*a_url;
	struct sbuf	*a_text;

	struct html_form form;
	size_t		 nlinks;
	int		 links_capped;
	/* what the findings are made of */
	unsigned	 scripts;	/* <script> elements */
	unsigned	 handlers;	/* on* attributes */
	unsigned	 jsurls;	/* javascript:/vbscript: URLs */
	unsigned	 downloads;	/* download attributes */
	unsigned	 js;		/* HTML_JS_* of all script text */
	int		 loose_pw;	/* password input outside a form */
	unsigned	 sniffs;	/* ftype calls on decoded payloads */
	char		 smuggling[256];	/* first reason, "" none */
	char		 credential[320];	/* first reason, "" none */
	char		 refresh[256];		/* first meta refresh URL */
	int		 has_refresh;
};

/* Set up and tear down a document's buffers (nothing else is owned). */
void	html_doc_init(struct html_doc *);
void	html_doc_release(struct html_doc *);
/* Walk data[0..len): links go to d->cb, indicators into d. */
void	html_walk(struct html_doc *, const unsigned char *data, size_t len);
/* Look for base64 payloads (binaries, hidden URLs) in the whole text. */
void	html_b64_scan(struct html_doc *, const unsigned char *data,
	    size_t len);
/* Give one link to d->cb (bounded by HTML_MAX_LINKS). */
void	html_emit(struct html_doc *, const char *url, size_t len,
	    const char *anchor, size_t anchor_len, unsigned flags);
/* Record the first smuggling reason. */
void	html_smuggling(struct html_doc *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
