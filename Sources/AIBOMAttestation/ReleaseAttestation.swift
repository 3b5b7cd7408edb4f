import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import AIBOMModel

/// The attestation of a release: an in-toto Statement whose subjects are every asset (by name,
/// with its asset digest) and the BOM itself, with predicate type `https://cyclonedx.org/bom`
/// and the CycloneDX BOM as predicate, in a DSSE envelope.
public enum ReleaseAttestation {
    /// Builds the statement for a BOM document. `bomName` names the BOM's own subject.
    public static func statement(bom: JSON, bomBytes: [UInt8], bomName: String, source: String) throws -> Statement {
        let release = try CycloneDX.decode(bom, source: source)
        var subjects = release.assets.map { Statement.Subject(name: $0.name, digest: ["sha256": $0.digest.hex]) }
        guard !release.assets.contains(where: { $0.name == bomName }) else {
            throw ModelError.bom(path: source, message: "an asset is named '\(bomName)' like the BOM file; rename one")
        }
        subjects.append(Statement.Subject(name: bomName, digest: ["sha256": Hex.encode(SHA256.hash(bomBytes))]))
        return Statement(subjects: subjects, predicateType: Statement.cycloneDXPredicate, predicate: bom)
    }

    /// A new, unsigned envelope carrying `statement` as canonical JSON.
    public static func envelope(_ statement: Statement) -> Envelope {
        Envelope(payloadType: Envelope.inTotoPayloadType, payload: statement.json.bytes())
    }

    /// Reads the statement and release out of an envelope, checking that they agree: the
    /// payload type, the predicate type, and every asset's subject digest.
    public static func open(_ envelope: Envelope) throws -> (Statement, Release) {
        guard envelope.payloadType == Envelope.inTotoPayloadType else {
            throw EnvelopeError("payloadType is '\(envelope.payloadType)', expected '\(Envelope.inTotoPayloadType)'")
        }
        let st = try Statement.parse(envelope.payload)
        guard st.predicateType == Statement.cycloneDXPredicate else {
            throw EnvelopeError("predicateType is '\(st.predicateType)', expected '\(Statement.cycloneDXPredicate)'")
        }
        let release: Release
        do { release = try CycloneDX.decode(st.predicate, source: "predicate") } catch {
            throw EnvelopeError("the predicate is not a usable CycloneDX BOM: \(error)")
        }
        var seen = Set<String>()
        for s in st.subjects where !seen.insert(s.name).inserted {
            throw EnvelopeError("subject '\(s.name)' appears twice")
        }
        for a in release.assets {
            guard let s = st.subjects.first(where: { $0.name == a.name }) else {
                throw EnvelopeError("asset '\(a.name)' of the BOM is not a subject of the statement")
            }
            guard s.digest["sha256"] == a.digest.hex else {
                throw EnvelopeError("subject '\(a.name)' digest differs from the BOM's asset digest")
            }
        }
        return (st, release)
    }
}
