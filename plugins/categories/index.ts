// categories: a vocabulary of tag terms stored as items of type `category_term` (the term's
// name is the item title). Other content refers to terms through a RecordReference field named
// `tags`; this plugin lists the items of a term at /tags/:tag and adds tag links to any item
// view whose item has tags.
import {
  JsonValue, tap, jsonList, Item, RouteRequest, RenderElement,
  contentType, field, FieldType, ContentTypeDefinition,
  permission, PermissionDefinition, menu, MenuDefinition,
  container, markup, link, list, item,
  getItem, queryItems, query, dispatchTap,
} from "../../sdk";

export { alloc, dealloc } from "../../sdk";

const TERM_TYPE = "category_term";
const TAGS_FIELD = "tags";

export function tap_item_info(ptr: i32, len: i32): i64 { return tap(ptr, len, itemInfo); }
export function tap_perm(ptr: i32, len: i32): i64 { return tap(ptr, len, perms); }
export function tap_menu(ptr: i32, len: i32): i64 { return tap(ptr, len, routes); }
export function tap_item_view_alter(ptr: i32, len: i32): i64 { return tap(ptr, len, viewAlter); }
export function tag_page(ptr: i32, len: i32): i64 { return tap(ptr, len, tagPage); }
export function tap_item_insert(ptr: i32, len: i32): i64 { return tap(ptr, len, termInserted); }
export function tap_item_update(ptr: i32, len: i32): i64 { return tap(ptr, len, termUpdated); }
export function tap_item_delete(ptr: i32, len: i32): i64 { return tap(ptr, len, termDeleted); }

// A term is an item of type category_term: when one is saved or deleted, categories tells every
// plugin that implements its term taps, through plugin-api.dispatch. Input: `{term}` (the item).
function termInserted(input: JsonValue): JsonValue | null { return fireTermTap("tap_categories_term_insert", input); }
function termUpdated(input: JsonValue): JsonValue | null { return fireTermTap("tap_categories_term_update", input); }
function termDeleted(input: JsonValue): JsonValue | null { return fireTermTap("tap_categories_term_delete", input); }

function fireTermTap(tapName: string, item: JsonValue): JsonValue | null {
  if (item.getString("item_type") != TERM_TYPE) return null;
  const payload = JsonValue.obj();
  payload.set("term", item);
  dispatchTap(tapName, payload);
  return null;
}

function itemInfo(input: JsonValue): JsonValue {
  return jsonList<ContentTypeDefinition>([
    contentType(TERM_TYPE, "Category term", "A tag that content can be filed under; its title is the tag's name.")
      .field(field("description", FieldType.textLong(), "Description")),
  ]);
}

function perms(input: JsonValue): JsonValue {
  return jsonList<PermissionDefinition>([
    permission("create category_term content", "Add new tags."),
    permission("edit any category_term content", "Rename and describe tags."),
    permission("delete any category_term content", "Remove tags."),
  ]);
}

function routes(input: JsonValue): JsonValue {
  return jsonList<MenuDefinition>([menu("/tags/:tag", "Tag", "tag_page")]);
}

/** The term a route names: by id, else by its exact name. */
function findTerm(tag: string): Item | null {
  const byId = getItem(tag);
  if (byId !== null && byId.item_type == TERM_TYPE) return byId;
  const found = queryItems(query(TERM_TYPE).where("title", "eq", JsonValue.str(tag)).limit(1));
  if (found === null || found.items.length == 0) return null;
  return found.items[0];
}

// /tags/:tag — the items filed under one term, newest first.
function tagPage(input: JsonValue): JsonValue {
  const tag = RouteRequest.fromJson(input).param("tag");
  const term = findTerm(tag);
  if (term === null) {
    return container("section")
      .child("title", markup("h1", "Unknown tag"))
      .child("message", markup("p", "There is no tag \"" + tag + "\"."))
      .toJson();
  }
  const page = container("section").child("title", markup("h1", "Tagged: " + term.title));
  const description = term.text("description");
  if (description !== null && description.value.length > 0) {
    page.child("description", markup("div", description.value, description.format));
  }
  const found = queryItems(query().published().fieldContains(TAGS_FIELD, term.id));
  if (found === null || found.items.length == 0) {
    return page.child("empty", markup("p", "Nothing is tagged \"" + term.title + "\" yet.")).toJson();
  }
  const entries = list();
  for (let i = 0; i < found.items.length; i++) {
    const tagged = found.items[i];
    entries.append(link(tagged.title, pathOf(tagged)));
  }
  return page.child("items", entries).toJson();
}

/** Where an item is shown: a blog post at its slug, anything else at /item/<id>. */
function pathOf(target: Item): string {
  const slug = target.string("slug");
  if (target.item_type == "blog" && slug.length > 0) return "/blog/" + slug;
  return "/item/" + target.id;
}

// tap_item_view_alter: input {item, render}; adds a "tags" block of links when the item has tags.
function viewAlter(input: JsonValue): JsonValue | null {
  const render = input.get("render");
  const itemJson = input.getObject("item");
  if (render === null || itemJson === null) return render;
  const termIds = Item.fromJson(itemJson).references(TAGS_FIELD);
  if (termIds.length == 0) return render;
  const links = list();
  for (let i = 0; i < termIds.length; i++) {
    const term = getItem(termIds[i]);
    // A term that is gone (or hidden from this user) keeps its slot as its id, linked anyway.
    const name = term === null ? termIds[i] : term.title;
    links.append(link(name, "/tags/" + termIds[i]));
  }
  return RenderElement.fromJson(render)
    .child("tags", item("Tags").child("links", links).weight(50))
    .toJson();
}
