import AIBOMFormats
import AIBOMScan
import AIBOMTestSupport
import Foundation
import XCTest

/// Deterministic token-shaped strings (never real credentials): `n` characters from `alphabet`.
func tok(_ n: Int, _ alphabet: String = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", seed: Int = 7) -> String {
    let a = Array(alphabet)
    var x = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
    return String((0..<n).map { _ in
        x = x &* 6364136223846793005 &+ 1442695040888963407
        return a[Int((x >> 33) % UInt64(a.count))]
    })
}

final class SecretRulesTests: XCTestCase {
    let matcher = SecretMatcher()
    let hex = "0123456789abcdef"
    let alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    func rules(_ text: String) -> [String] { matcher.scan(Array(text.utf8)).map(\.ruleID) }

    /// One true positive per rule, shaped as the provider documents its tokens, and a near miss.
    func testEveryRuleHasATruePositiveAndANearMiss() {
        let cases: [(String, String, String)] = [  // rule, positive, negative
            ("openai-api-key", "OPENAI_API_KEY=sk-proj-\(tok(74, alnum + "_-"))", "model: sk-..."),
            ("anthropic-api-key", "key: sk-ant-api03-\(tok(95, alnum + "_-"))", "key: sk-ant-api03-short"),
            ("huggingface-token", "HF_TOKEN=hf_\(tok(34, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))", "hf_token: hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
            ("google-api-key", "GOOGLE_API_KEY=AIza\(tok(35, alnum + "_-"))", "AIzaShort"),
            ("gcp-service-account", #""type": "service_account", "private_key_id": "\#(tok(40, hex))","#, #""private_key_id": "<your-key-id>""#),
            ("aws-access-key-id", "aws_access_key_id = AKIA\(tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"),
            ("aws-secret-access-key", "aws_secret_access_key = \(tok(40, alnum + "/+"))", "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}"),
            ("azure-storage-connection-string", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=\(tok(86, alnum + "+/"))==;EndpointSuffix=core.windows.net", "AccountName=acme;AccountKey=<key>"),
            ("azure-key", "AZURE_OPENAI_KEY=\(tok(32, hex))", "AZURE_OPENAI_KEY=your-azure-key"),
            ("github-token", "token: ghp_\(tok(36, alnum))", "ghp_short"),
            ("github-fine-grained-token", "github_pat_\(tok(22, alnum))_\(tok(59, alnum))", "github_pat_example"),
            ("gitlab-token", "GITLAB=glpat-\(tok(20, alnum + "_-"))", "glpat-xxxxxxxxxxxxxxxxxxxx"),
            ("slack-token", "SLACK_BOT_TOKEN=xoxb-\(tok(12, "0123456789"))-\(tok(24, alnum))", "xoxb-your-token"),
            ("slack-webhook", "https://hooks.slack.com/services/T\(tok(8, "ABCDEFGHIJ0123456789"))/B\(tok(8, "ABCDEFGHIJ0123456789"))/\(tok(24, alnum))", "https://hooks.slack.com/services/T000/B000/XXX"),
            ("stripe-secret-key", "STRIPE=sk_live_\(tok(24, alnum))", "sk_test_\(tok(24, alnum))"),
            ("replicate-token", "REPLICATE_API_TOKEN=r8_\(tok(37, alnum))", "r8_short"),
            ("groq-api-key", "GROQ_API_KEY=gsk_\(tok(52, alnum))", "gsk_..."),
            ("cohere-api-key", "COHERE_API_KEY=\(tok(40, alnum))", "COHERE_API_KEY=<your-key>"),
            ("mistral-api-key", "MISTRAL_API_KEY=\(tok(32, alnum))", "MISTRAL_API_KEY=os.environ"),
            ("together-api-key", "TOGETHER_API_KEY=\(tok(64, hex))", "TOGETHER_API_KEY=xxxx"),
            ("pinecone-api-key", "PINECONE_API_KEY=pcsk_\(tok(60, alnum + "_"))", "PINECONE_API_KEY=pcsk_..."),
            ("wandb-api-key", "WANDB_API_KEY=\(tok(40, hex))", "WANDB_API_KEY=$WANDB_KEY"),
            ("databricks-token", "DATABRICKS_TOKEN=dapi\(tok(32, hex))", "dapi-token-here"),
            ("npm-token", "//registry.npmjs.org/:_authToken=npm_\(tok(36, alnum))", "npm_install"),
            ("pypi-token", "password = pypi-AgEIcHlwaS5vcmc\(tok(60, alnum + "_-"))", "pypi-AgEIcHlwaS5vcmc"),
            ("sendgrid-api-key", "SENDGRID=SG.\(tok(22, alnum + "_-")).\(tok(43, alnum + "_-"))", "SG.example"),
            ("twilio-api-key", "TWILIO_API_KEY=SK\(tok(32, hex))", "TWILIO_API_KEY=SKxxxxxxxx"),
            ("discord-bot-token", "DISCORD_TOKEN=M\(tok(23, alnum)).\(tok(6, alnum)).\(tok(27, alnum))", "DISCORD_TOKEN=<bot-token>"),
            ("discord-webhook", "https://discord.com/api/webhooks/123456789012345678/\(tok(68, alnum + "_-"))", "https://discord.com/api/webhooks/123/abc"),
            ("telegram-bot-token", "bot: 123456789:AA\(tok(33, alnum + "_-"))", "bot: 123456789:AAxxx"),
            ("jwt", "Authorization: Bearer eyJ\(tok(20, alnum)).eyJ\(tok(30, alnum)).\(tok(43, alnum + "_-"))", "eyJhbGciOi"),
            ("private-key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQY\n"),
            ("database-url", "DATABASE_URL=postgres://app:\(tok(16, alnum))@db.internal:5432/prod", "DATABASE_URL=postgres://localhost:5432/prod"),
            ("generic-secret", "client_secret = \"\(tok(28, alnum))\"", "client_secret = \"${CLIENT_SECRET}\""),
        ]
        XCTAssertEqual(Set(cases.map(\.0)), Set(SecretRules.all.map(\.id)), "every rule has a case")
        for (rule, positive, negative) in cases {
            XCTAssertTrue(rules(positive).contains(rule), "\(rule) missed: \(positive) → \(rules(positive))")
            XCTAssertFalse(rules(negative).contains(rule), "\(rule) false positive: \(negative)")
        }
    }

    func testNotSecretsCommonInModelRepos() {
        let benign = """
        sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        commit_token = 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
        request_id = "123e4567-e89b-12d3-a456-426614174000"
        api_key = os.environ["OPENAI_API_KEY"]
        password = os.getenv("DB_PASSWORD")
        token = get_token_from_vault
        pad_token = "<pad>"
        "eos_token": "</s>", "max_tokens": 4096
        AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        secret: xxxxxxxxxxxxxxxxxxxxxxxx
        api_key: <your-api-key-here>
        -----BEGIN CERTIFICATE-----
        -----BEGIN PUBLIC KEY-----
        embedding: "AAAAAAAAgD8AAABAAABAQAAAgEAAAKBAAADAQAAA4EAAAABBAAAQQQAAIEEAADBBAABAQQ=="
        """
        XCTAssertEqual(matcher.scan(Array(benign.utf8)).map(\.ruleID), [])
    }

    func testInlineAllowMarkerAndLineNumbers() {
        let gh = "ghp_\(tok(36, alnum))"
        let text = "a\nb\ntoken: \(gh)\nold: \(gh) # aibom:allow\n"
        let m = matcher.scan(Array(text.utf8))
        XCTAssertEqual(m.map(\.line), [3])
        XCTAssertEqual(m.map(\.secret), [gh])
    }

    func testRedactionAndFingerprint() {
        XCTAssertEqual(SecretText.redact("ghp_abcdefghijklmnop"), "ghp_…")
        XCTAssertEqual(SecretText.redact("abcdefghij"), "ab…")
        XCTAssertEqual(SecretText.redact("short"), "…")
        XCTAssertEqual(SecretText.fingerprint("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
