/**
 * Item queries for `queryItems`, in the shape the kernel's `query-items` takes:
 * `{type?, status?, author?, conditions?: [{field, op, value}], sort?: [{field, direction}],
 * limit?, offset?, count?}`. A condition `field` is an item property (`title`, `created`,
 * `author_id`...) or `fields.<name>`; a `{value, format}` field compares its `value`, a
 * reference its id. `op` is `eq`, `ne`, `lt`, `lte`, `gt`, `gte`, `in` (value is an array) or
 * `contains` (an array field has the value; a string contains it, ignoring case). On a
 * multi-value field a condition holds when it holds for any element. Without a sort, items
 * come newest first.
 *
 * @example
 * query("blog").published().sortDesc("created").limit(10)
 */
import { JsonValue } from "./json";

export class ItemQuery {
  private json: JsonValue = JsonValue.obj();
  private conditions: JsonValue = JsonValue.arr();
  private sorts: JsonValue = JsonValue.arr();

  /** Only items of this content type. */
  type(itemType: string): ItemQuery {
    this.json.setString("type", itemType);
    return this;
  }

  /** Only published items (status 1). */
  published(): ItemQuery {
    return this.status(1);
  }

  /** Only items with this status (0 unpublished, 1 published). */
  status(status: i32): ItemQuery {
    this.json.setNumber("status", <f64>status);
    return this;
  }

  /** Only items by this author (a user id). */
  author(userId: string): ItemQuery {
    this.json.setString("author", userId);
    return this;
  }

  /** A condition on `field` (`title`, `fields.slug`...) with operator `op` (see above). */
  where(field: string, op: string, value: JsonValue): ItemQuery {
    this.conditions.push(JsonValue.obj().setString("field", field).setString("op", op).set("value", value));
    return this;
  }

  /** Field `name` equals `value`. */
  fieldEquals(name: string, value: string): ItemQuery {
    return this.where("fields." + name, "eq", JsonValue.str(value));
  }

  /** Field `name` (e.g. a multi-value reference) has `value` among its values. */
  fieldContains(name: string, value: string): ItemQuery {
    return this.where("fields." + name, "contains", JsonValue.str(value));
  }

  sortAsc(field: string): ItemQuery {
    this.sorts.push(JsonValue.obj().setString("field", field).setString("direction", "asc"));
    return this;
  }

  sortDesc(field: string): ItemQuery {
    this.sorts.push(JsonValue.obj().setString("field", field).setString("direction", "desc"));
    return this;
  }

  limit(n: i32): ItemQuery {
    this.json.setNumber("limit", <f64>n);
    return this;
  }

  offset(n: i32): ItemQuery {
    this.json.setNumber("offset", <f64>n);
    return this;
  }

  /**
   * Answer without a total: the kernel asks item access only about the page and the one
   * match after it, so a page of a long list costs the page. `ItemList.more` still says
   * whether a next page exists (for `miniPager`); `ItemList.total` is -1.
   */
  withoutTotal(): ItemQuery {
    this.json.setBool("count", false);
    return this;
  }

  toJson(): JsonValue {
    const out = this.json.clone();
    if (this.conditions.length > 0) out.set("conditions", this.conditions);
    if (this.sorts.length > 0) out.set("sort", this.sorts);
    return out;
  }
}

/** A query over items, optionally of one content type. */
export function query(itemType: string = ""): ItemQuery {
  const q = new ItemQuery();
  if (itemType.length > 0) q.type(itemType);
  return q;
}
