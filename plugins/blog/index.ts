// blog: a `blog` content type (body, slug, tags), its permissions, the /blog listing, a page
// per post at /blog/:slug, the access rule "published posts are public" and the post view.
// Tags come from the categories plugin (a dependency): its term type and its tag links.
import {
  JsonValue, tap, jsonList, Item, RouteRequest, AccessResult,
  contentType, field, FieldType, ContentTypeDefinition,
  permission, PermissionDefinition, menu, MenuDefinition,
  RenderElement, container, markup, link, list, item, miniPager,
  queryItems, query, invoke, pluginExists, lastHostError, isoDate,
  saveItem, log, FILTERED_HTML,
} from "../../sdk";

export { alloc, dealloc } from "../../sdk";

const BLOG = "blog";

export function tap_item_info(ptr: i32, len: i32): i64 { return tap(ptr, len, itemInfo); }
export function tap_perm(ptr: i32, len: i32): i64 { return tap(ptr, len, perms); }
export function tap_menu(ptr: i32, len: i32): i64 { return tap(ptr, len, routes); }
export function tap_item_access(ptr: i32, len: i32): i64 { return tap(ptr, len, access); }
export function tap_item_view(ptr: i32, len: i32): i64 { return tap(ptr, len, view); }
export function tap_install(ptr: i32, len: i32): i64 { return tap(ptr, len, install); }
export function blog_list(ptr: i32, len: i32): i64 { return tap(ptr, len, listPage); }
export function blog_post(ptr: i32, len: i32): i64 { return tap(ptr, len, postPage); }

function itemInfo(input: JsonValue): JsonValue {
  return jsonList<ContentTypeDefinition>([
    contentType(BLOG, "Blog post", "A dated article with a body, shown at /blog/<slug>.")
      .field(field("body", FieldType.textLong(), "Body").required())
      .field(field("slug", FieldType.text(128), "URL slug").required())
      .field(field("tags", FieldType.recordReference("category_term"), "Tags").unlimited()),
  ]);
}

// tap_install: runs once, when a site first enables the plugin (as the site administrator), so
// a new site has a post to show. A failure is logged, not fatal: the site works without it.
function install(input: JsonValue): JsonValue | null {
  const welcome = Item.create(BLOG, "A first post, written by a plugin")
    .setField("slug", JsonValue.str("welcome"))
    .setText(
      "body",
      "<p>This post was written by the <strong>blog</strong> plugin's <code>tap_install</code>. " +
        "Everything on this site comes from WebAssembly plugins running in your browser.</p>" +
        "<p>Switch to the editor in the header to write a post, or open the playground to write a plugin.</p>",
      FILTERED_HTML,
    );
  welcome.status = 1;
  if (saveItem(welcome) === null) {
    const err = lastHostError();
    log("warning", "The welcome post could not be created: " + (err === null ? "unknown error" : err.message));
  }
  return null;
}

function perms(input: JsonValue): JsonValue {
  return jsonList<PermissionDefinition>([
    permission("create blog content", "Write new blog posts."),
    permission("edit own blog content", "Edit one's own blog posts."),
    permission("delete own blog content", "Delete one's own blog posts."),
    permission("edit any blog content", "Edit anyone's blog posts."),
    permission("delete any blog content", "Delete anyone's blog posts."),
  ]);
}

function routes(input: JsonValue): JsonValue {
  return jsonList<MenuDefinition>([
    menu("/blog", "Blog", "blog_list").weight(10),
    menu("/blog/:slug", "Blog post", "blog_post").parent("/blog"),
  ]);
}

// tap_item_access: input {item, op}. Published posts may be viewed by anyone with
// "access content"; every other case is left to other plugins and the user's permissions.
function access(input: JsonValue): JsonValue {
  const target = input.getObject("item");
  if (target === null || target.getString("item_type") != BLOG) return AccessResult.neutral();
  if (input.getString("op") == "view" && target.getInt("status") == 1) return AccessResult.grant();
  return AccessResult.neutral();
}

// tap_item_view: input {item}; a render tree for blog posts, no result for other types.
function view(input: JsonValue): JsonValue | null {
  const itemJson = input.getObject("item");
  if (itemJson === null) return null;
  const post = Item.fromJson(itemJson);
  if (post.item_type != BLOG) return null;
  return renderPost(post).toJson();
}

function renderPost(post: Item): RenderElement {
  const article = container("article")
    .child("title", markup("h1", post.title).weight(-10))
    .child("meta", item("Posted", post.created == 0 ? "not yet" : isoDate(post.created)).weight(-5));
  const body = post.text("body");
  if (body !== null) article.child("body", markup("div", body.value, body.format));
  if (!post.isPublished) article.child("draft", markup("p", "This post is not published.").weight(-8));
  return article;
}

// /blog — published posts, newest first, POSTS_PER_PAGE at a time (/blog?page=N). The query is
// not counted (withoutTotal): the kernel asks item access only about this page's posts and the
// one after, so a page costs the same with 10 posts or 100,000, and the pager says "Page N"
// with a Next link while more follow.
const POSTS_PER_PAGE = 20;

function listPage(input: JsonValue): JsonValue {
  const page = container("section").child("title", markup("h1", "Blog"));
  const asked = RouteRequest.fromJson(input).queryParam("page", "1");
  const number = pageNumber(asked);
  if (number == 0) {
    return page.child("error", markup("p", "\"" + asked + "\" is not a page number; pages are numbered from 1.")).child("back", link("Newest posts", "/blog")).toJson();
  }
  const found = queryItems(query(BLOG).published().sortDesc("created").limit(POSTS_PER_PAGE).offset((number - 1) * POSTS_PER_PAGE).withoutTotal());
  if (found === null) {
    const err = lastHostError();
    return page.child("error", markup("p", "The posts could not be loaded: " + (err === null ? "unknown error" : err.message))).toJson();
  }
  if (found.items.length == 0) {
    if (number == 1) return page.child("empty", markup("p", "No posts yet.")).toJson();
    return page
      .child("empty", markup("p", "There is no page " + number.toString() + "; the blog has fewer posts than that."))
      .child("back", link("Newest posts", "/blog"))
      .toJson();
  }
  const posts = list();
  for (let i = 0; i < found.items.length; i++) {
    const post = found.items[i];
    posts.append(
      container()
        .child("link", link(post.title, "/blog/" + post.string("slug")))
        .child("date", markup("small", " " + isoDate(post.created))),
    );
  }
  page.child("posts", posts);
  if (number > 1 || found.more) page.child("pager", miniPager("/blog", number, found.more));
  return page.toJson();
}

// A page number from the query: digits only, at least 1; 0 for anything else.
function pageNumber(text: string): i32 {
  if (text.length == 0 || text.length > 6) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
    n = n * 10 + (c - 48);
  }
  return n;
}

// /blog/:slug — the post whose slug field equals the parameter.
function postPage(input: JsonValue): JsonValue {
  const slug = RouteRequest.fromJson(input).param("slug");
  const found = queryItems(query(BLOG).fieldEquals("slug", slug).limit(1));
  if (found === null || found.items.length == 0) {
    return container("section")
      .child("title", markup("h1", "Post not found"))
      .child("message", markup("p", "No blog post has the address /blog/" + slug + "."))
      .child("back", link("All posts", "/blog"))
      .toJson();
  }
  const post = found.items[0];
  let render = renderPost(post).toJson();
  // A route is not an item view, so ask categories for its tag links directly.
  if (pluginExists("categories")) {
    const payload = JsonValue.obj().set("item", post.toJson()).set("render", render);
    const altered = invoke("categories", "tap_item_view_alter", payload);
    if (altered !== null && altered.isObject() && !altered.has("error")) render = altered;
  }
  return render;
}
