//! The contract's JSON shapes (ABI §5), as serde types: what taps take and return.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `plain_text`: the UI escapes it.
pub const PLAIN_TEXT: &str = "plain_text";
/// `filtered_html`: the UI sanitizes it before it reaches the page.
pub const FILTERED_HTML: &str = "filtered_html";

/// An item (a piece of content). `id` is empty until saved; `items::save` fills `id`,
/// `author_id`, `created` and `changed`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default)]
    pub item_type: String,
    #[serde(default)]
    pub title: String,
    /// Field values by field name.
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// 1 = published, 0 = unpublished.
    #[serde(default = "published")]
    pub status: i32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
    /// Unix seconds; 0 until saved.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub created: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub changed: i64,
}

fn published() -> i32 {
    1
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Item {
    /// A new, unsaved, published item.
    pub fn new(item_type: &str, title: &str) -> Item {
        Item { item_type: item_type.into(), title: title.into(), status: 1, ..Item::default() }
    }

    pub fn is_published(&self) -> bool {
        self.status == 1
    }

    /// Sets field `name` to any JSON value.
    pub fn with_field(mut self, name: &str, value: impl Into<Value>) -> Item {
        self.fields.insert(name.into(), value.into());
        self
    }

    /// Sets a text field (`{value, format}`).
    pub fn with_text(self, name: &str, value: &str, format: &str) -> Item {
        let mut text = Map::new();
        text.insert("value".into(), Value::from(value));
        text.insert("format".into(), Value::from(format));
        self.with_field(name, Value::Object(text))
    }

    /// Field `name` as text: a `{value, format}` object or a bare string.
    pub fn text(&self, name: &str) -> Option<TextValue> {
        // Read by hand: serde_json::from_value would add a second decoder for every type.
        match self.fields.get(name)? {
            Value::String(s) => Some(TextValue { value: s.clone(), format: PLAIN_TEXT.into() }),
            Value::Object(text) => Some(TextValue {
                value: text.get("value")?.as_str()?.to_string(),
                format: text.get("format").and_then(Value::as_str).unwrap_or(PLAIN_TEXT).to_string(),
            }),
            _ => None,
        }
    }

    /// Field `name` as a plain string ("" when missing): a string, or a text value's `value`.
    pub fn string(&self, name: &str) -> String {
        self.text(name).map(|t| t.value).unwrap_or_default()
    }
}

/// A text field's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextValue {
    pub value: String,
    #[serde(default = "plain_text")]
    pub format: String,
}

fn plain_text() -> String {
    PLAIN_TEXT.into()
}

/// A content type (`tap_item_info` returns a list of them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContentTypeDefinition {
    pub machine_name: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub fields: Vec<FieldDefinition>,
}

impl ContentTypeDefinition {
    pub fn new(machine_name: &str, label: &str, description: &str) -> ContentTypeDefinition {
        ContentTypeDefinition { machine_name: machine_name.into(), label: label.into(), description: description.into(), fields: Vec::new() }
    }

    pub fn field(mut self, field: FieldDefinition) -> ContentTypeDefinition {
        self.fields.push(field);
        self
    }
}

/// One field of a content type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDefinition {
    pub field_name: String,
    pub field_type: FieldType,
    pub label: String,
    #[serde(default)]
    pub required: bool,
    /// How many values: 1, n, or -1 for unlimited.
    #[serde(default = "one")]
    pub cardinality: i32,
    #[serde(default = "empty_object")]
    pub settings: Value,
}

fn one() -> i32 {
    1
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

impl FieldDefinition {
    pub fn new(field_name: &str, field_type: FieldType, label: &str) -> FieldDefinition {
        FieldDefinition { field_name: field_name.into(), field_type, label: label.into(), required: false, cardinality: 1, settings: empty_object() }
    }

    pub fn required(mut self) -> FieldDefinition {
        self.required = true;
        self
    }

    /// Any number of values.
    pub fn unlimited(mut self) -> FieldDefinition {
        self.cardinality = -1;
        self
    }
}

/// A field's type. serde's default enum form is the contract's: `"TextLong"`,
/// `{"Text": {"max_length": 128}}`, `{"RecordReference": "category_term"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldType {
    Text { max_length: Option<u32> },
    TextLong,
    Integer,
    Float,
    Boolean,
    File,
    Date,
    Email,
    RecordReference(String),
}

/// A permission (`tap_perm` returns a list of them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionDefinition {
    pub name: String,
    pub description: String,
}

impl PermissionDefinition {
    pub fn new(name: &str, description: &str) -> PermissionDefinition {
        PermissionDefinition { name: name.into(), description: description.into() }
    }
}

/// A route (`tap_menu` returns a list of them). `callback` names an export of this plugin made
/// with `#[plugin_tap]`; `:name` path segments are parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuDefinition {
    pub path: String,
    pub title: String,
    pub callback: String,
    #[serde(default = "access_content")]
    pub permission: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub weight: i32,
}

fn access_content() -> String {
    "access content".into()
}

impl MenuDefinition {
    pub fn new(path: &str, title: &str, callback: &str) -> MenuDefinition {
        MenuDefinition { path: path.into(), title: title.into(), callback: callback.into(), permission: access_content(), parent: None, weight: 0 }
    }

    pub fn permission(mut self, name: &str) -> MenuDefinition {
        self.permission = name.into();
        self
    }

    pub fn parent(mut self, path: &str) -> MenuDefinition {
        self.parent = Some(path.into());
        self
    }

    pub fn weight(mut self, weight: i32) -> MenuDefinition {
        self.weight = weight;
        self
    }
}

/// What `tap_item_access` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessResult {
    Grant,
    Deny,
    Neutral,
}

/// `tap_item_access` input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemAccessInput {
    pub item: Item,
    /// `view`, `update` or `delete`.
    pub op: String,
}

/// `tap_item_view` input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemViewInput {
    pub item: Item,
}

/// What a route callback receives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteRequest {
    #[serde(default)]
    pub path: String,
    /// Path parameters: for `/notes/:slug`, `params["slug"]`.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    #[serde(default)]
    pub query: BTreeMap<String, Value>,
}

impl RouteRequest {
    /// Path parameter `name`, or "".
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }

    /// Query-string parameter `name` as text, or `fallback`.
    pub fn query_param<'a>(&'a self, name: &str, fallback: &'a str) -> &'a str {
        self.query.get(name).and_then(Value::as_str).unwrap_or(fallback)
    }
}

/// A query for `items::query`: `{type?, status?, author?, conditions?, sort?, limit?, offset?}`.
/// A condition's `field` is an item property (`title`, `created`...) or `fields.<name>`; `op`
/// is `eq ne lt gt lte gte in contains`. Without a sort, items come newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemQuery {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<Sort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// `Some(false)`: answer without `total` (see [`ItemQuery::without_total`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub field: String,
    pub op: String,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub field: String,
    /// `asc` or `desc`.
    pub direction: String,
}

impl ItemQuery {
    /// Items of one content type.
    pub fn of_type(item_type: &str) -> ItemQuery {
        ItemQuery { item_type: Some(item_type.into()), ..ItemQuery::default() }
    }

    pub fn published(mut self) -> ItemQuery {
        self.status = Some(1);
        self
    }

    pub fn where_(mut self, field: &str, op: &str, value: impl Into<Value>) -> ItemQuery {
        self.conditions.push(Condition { field: field.into(), op: op.into(), value: value.into() });
        self
    }

    /// Field `name` equals `value`.
    pub fn field_equals(self, name: &str, value: &str) -> ItemQuery {
        self.where_(&format!("fields.{name}"), "eq", value)
    }

    pub fn sort_asc(mut self, field: &str) -> ItemQuery {
        self.sort.push(Sort { field: field.into(), direction: "asc".into() });
        self
    }

    pub fn sort_desc(mut self, field: &str) -> ItemQuery {
        self.sort.push(Sort { field: field.into(), direction: "desc".into() });
        self
    }

    pub fn limit(mut self, n: u32) -> ItemQuery {
        self.limit = Some(n);
        self
    }

    pub fn offset(mut self, n: u32) -> ItemQuery {
        self.offset = Some(n);
        self
    }

    /// Answer without a total: the kernel asks item access only about the page and the one
    /// match after it, so a page of a long list costs the page. [`ItemList::more`] still says
    /// whether a next page exists (for [`crate::render::mini_pager`]).
    pub fn without_total(mut self) -> ItemQuery {
        self.count = Some(false);
        self
    }
}

/// A page of query results: the items, how many visible items matched before `limit`/`offset`
/// (`None` for a query made [`ItemQuery::without_total`]), and whether a visible match follows
/// the page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemList {
    pub items: Vec<Item>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    #[serde(default)]
    pub more: bool,
}
