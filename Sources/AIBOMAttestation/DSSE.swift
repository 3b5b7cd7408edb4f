/// Attestations: DSSE envelopes (signatures over the Pre-Authentication Encoding), in-toto
/// Statements v1 carrying a CycloneDX BOM, co-signing, and the OpenSSF model-signing (Sigstore
/// bundle v0.3) format. Parsing is strict: duplicate JSON keys, non-canonical base64 and unknown
/// payload types are rejected, so two parsers can never read two different documents.
import AIBOMCrypto
import AIBOMFormats

/// Bounds on attestation input.
public enum AttestationLimits {
    /// Largest envelope or bundle file accepted.
    public static let maxEnvelopeBytes: UInt64 = 64 << 20
    /// Most signatures on one envelope.
    public static let maxSignatures = 64
}

/// Why an envelope is unusable. A verification reports these as a failed "envelope" check.
public struct EnvelopeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A DSSE envelope (https://github.com/secure-systems-lab/dsse, protocol v1).
public struct Envelope: Sendable, Equatable {
    public struct Signature: Sendable, Equatable {
        public var keyid: String
        public var sig: [UInt8]
        public init(keyid: String, sig: [UInt8]) {
            self.keyid = keyid
            self.sig = sig
        }
    }

    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    public var payloadType: String
    /// The payload exactly as signed. Never re-serialized.
    public var payload: [UInt8]
    public var signatures: [Signature]

    public init(payloadType: String, payload: [UInt8], signatures: [Signature] = []) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// The Pre-Authentication Encoding: `DSSEv1 SP LEN(type) SP type SP LEN(body) SP body`.
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let t = Array(payloadType.utf8)
        return Array("DSSEv1 \(t.count) ".utf8) + t + Array(" \(payload.count) ".utf8) + payload
    }

    public var pae: [UInt8] { Envelope.pae(payloadType: payloadType, payload: payload) }

    /// Adds a signature by `key` over the PAE.
    public mutating func sign(with key: PrivateKey, keyid: String? = nil) throws {
        signatures.append(Signature(keyid: keyid ?? key.publicKey.keyID, sig: try key.sign(pae)))
    }

    /// The envelope as JSON (`payload` and `sig` in standard base64).
    public var json: JSON {
        .object([
            "payloadType": .string(payloadType), "payload": .string(Base64.encode(payload)),
            "signatures": .array(signatures.map { .object(["keyid": .string($0.keyid), "sig": .string(Base64.encode($0.sig))]) }),
        ])
    }

    /// Parses an envelope object strictly: required fields with the right types, canonical
    /// base64, at least one and at most `AttestationLimits.maxSignatures` signatures.
    public static func parse(_ json: JSON) throws -> Envelope {
        guard case .object(let o) = json else { throw EnvelopeError("the envelope is not a JSON object") }
        for k in o.keys where !["payloadType", "payload", "signatures"].contains(k) {
            throw EnvelopeError("the envelope has an unknown field '\(k)'")
        }
        guard let type = o["payloadType"]?.stringValue else { throw EnvelopeError("the envelope has no string 'payloadType'") }
        guard let p = o["payload"]?.stringValue else { throw EnvelopeError("the envelope has no string 'payload'") }
        guard let payload = Base64.decode(p) else { throw EnvelopeError("the payload is not canonical base64") }
        guard let sigs = o["signatures"]?.arrayValue else { throw EnvelopeError("the envelope has no 'signatures' array") }
        guard !sigs.isEmpty else { throw EnvelopeError("the envelope has no signatures") }
        guard sigs.count <= AttestationLimits.maxSignatures else {
            throw EnvelopeError("the envelope has \(sigs.count) signatures (at most \(AttestationLimits.maxSignatures) are read)")
        }
        var out: [Signature] = []
        for (i, s) in sigs.enumerated() {
            guard case .object(let so) = s, let b64 = so["sig"]?.stringValue else {
                throw EnvelopeError("signature \(i + 1) has no string 'sig'")
            }
            guard let sig = Base64.decode(b64), !sig.isEmpty else { throw EnvelopeError("signature \(i + 1) is not canonical base64") }
            let keyid = so["keyid"]?.stringValue ?? ""
            if let k = so["keyid"], k.stringValue == nil { throw EnvelopeError("signature \(i + 1) has a non-string keyid") }
            out.append(Signature(keyid: keyid, sig: sig))
        }
        return Envelope(payloadType: type, payload: payload, signatures: out)
    }

    /// Reads an envelope file: bounded size, strict JSON.
    public static func load(_ path: String) throws -> Envelope {
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path, limit: AttestationLimits.maxEnvelopeBytes) } catch let e as FileIOError {
            if case .tooLarge = e { throw EnvelopeError("\(e)") }
            throw e
        }
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw EnvelopeError("\(path): not valid JSON (\(error))") }
        return try parse(json)
    }
}

/// An in-toto Statement v1 (https://in-toto.io/Statement/v1).
public struct Statement: Sendable, Equatable {
    public static let type = "https://in-toto.io/Statement/v1"
    public static let cycloneDXPredicate = "https://cyclonedx.org/bom"

    public struct Subject: Sendable, Equatable {
        public var name: String
        public var digest: [String: String]
        public init(name: String, digest: [String: String]) {
            self.name = name
            self.digest = digest
        }
    }

    public var subjects: [Subject]
    public var predicateType: String
    public var predicate: JSON

    public init(subjects: [Subject], predicateType: String, predicate: JSON) {
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    public var json: JSON {
        .object([
            "_type": .string(Statement.type),
            "subject": .array(subjects.map { s in
                .object(["name": .string(s.name), "digest": .object(s.digest.mapValues { .string($0) })])
            }),
            "predicateType": .string(predicateType), "predicate": predicate,
        ])
    }

    /// Parses a statement from payload bytes, strictly (duplicate keys anywhere are rejected).
    public static func parse(_ payload: [UInt8]) throws -> Statement {
        let json: JSON
        do { json = try JSON.parse(payload, limits: JSONLimits(maxDepth: 64)) } catch {
            throw EnvelopeError("the payload is not valid JSON (\(error))")
        }
        guard json["_type"]?.stringValue == type else {
            throw EnvelopeError("the payload is not an in-toto Statement v1 (_type is \(json["_type"]?.stringValue ?? "missing"))")
        }
        guard let pt = json["predicateType"]?.stringValue else { throw EnvelopeError("the statement has no predicateType") }
        guard let subs = json["subject"]?.arrayValue, !subs.isEmpty else { throw EnvelopeError("the statement has no subjects") }
        var subjects: [Subject] = []
        for s in subs {
            guard let n = s["name"]?.stringValue, let d = s["digest"]?.objectValue else {
                throw EnvelopeError("a subject lacks a name or digest")
            }
            var digest: [String: String] = [:]
            for (k, v) in d {
                guard let hex = v.stringValue else { throw EnvelopeError("subject \(n): digest \(k) is not a string") }
                digest[k] = hex
            }
            subjects.append(Subject(name: n, digest: digest))
        }
        return Statement(subjects: subjects, predicateType: pt, predicate: json["predicate"] ?? .null)
    }
}
