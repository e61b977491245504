import Foundation

extension SpecSchema {
    /// The grammar as a JSON Schema (draft 2020-12), for editors and validators.
    public static func jsonSchema(formats: [String]) -> String {
        var document = jsonObject(for: root(formats: formats))
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["title"] = "falcopack spec"
        document["description"] = "A falcopack spec (YAML). Strings may hold {{ variable }} templates; see Specs/README.md."
        let data = try! JSONSerialization.data(withJSONObject: document,
                                               options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func jsonObject(for shape: Shape) -> [String: Any] {
        switch shape {
        case .string: return ["type": "string"]
        case .boolean: return ["type": "boolean"]
        case .integer: return ["type": "integer"]
        case .mode: return ["type": "string", "pattern": "^0?[0-7]{3,4}$"]
        case .oneOf(let values): return ["type": "string", "enum": values]
        case .list(let element): return ["type": "array", "items": jsonObject(for: element)]
        case .either(let scalar, let other): return ["anyOf": [jsonObject(for: scalar), jsonObject(for: other)]]
        case .map(let value):
            return ["type": "object", "additionalProperties": jsonObject(for: value)]
        case .object(let fields):
            var properties: [String: Any] = [:]
            for field in fields {
                var property = jsonObject(for: field.shape)
                property["description"] = field.help
                properties[field.name] = property
            }
            var object: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
            let required = fields.filter(\.required).map(\.name)
            if !required.isEmpty { object["required"] = required }
            return object
        }
    }
}
