import Testing
@testable import JWTAuditCLI

/// ripgrep's table invariants (`shorts_no_duplicates`, `longs_no_duplicates`, `longs_all_ascii_alphanumeric`,
/// `non_switches_have_variable_names`), for our table.
@Suite("Option table invariants")
struct OptionTableInvariantTests {
    @Test func longNamesAreDeclaredOnce() {
        var seen = Set<String>()
        for option in OptionTable.options {
            #expect(seen.insert(option.long).inserted, "--\(option.long) is declared twice")
        }
    }

    @Test func noCommandHasTwoOptionsWithTheSameSpelling() {
        for command in [CommandSpec.topLevel] + OptionTable.commands.map(\.name) {
            var seen = Set<String>()
            for spelling in OptionTable.options(for: command).flatMap(\.spellings) {
                #expect(seen.insert(spelling).inserted, "\(spelling) is ambiguous in '\(command)'")
            }
        }
    }

    /// `option(spelled:for:)` looks an argument up without building the command's option list (issue 22, the
    /// cold start): it must find what that list holds, under every spelling, and nothing for near misses.
    @Test func lookingAnOptionUpFindsWhatTheCommandsListHolds() {
        for command in OptionTable.commands.map(\.name) + [CommandSpec.topLevel] {
            for option in OptionTable.options(for: command) {
                for spelling in option.spellings {
                    #expect(OptionTable.option(spelled: spelling, for: command)?.long == option.long, "\(command) \(spelling)")
                    for miss in ["-" + spelling, spelling + "x", String(spelling.dropLast()), spelling.uppercased()] {
                        let found = OptionTable.option(spelled: miss, for: command)
                        #expect(found.map { $0.spellings.contains(miss) } ?? true, "\(command) \(miss)")
                    }
                }
            }
            for other in OptionTable.options where !other.applies(to: command) {
                #expect(OptionTable.option(spelled: other.longSpelling, for: command) == nil, "\(command) \(other.longSpelling)")
            }
        }
    }

    @Test func namesAreLowercaseASCII() {
        for option in OptionTable.options {
            #expect(!option.long.isEmpty && option.long.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }, "--\(option.long)")
            #expect(!option.long.hasPrefix("-"), "--\(option.long)")
            if let short = option.short { #expect(short.isASCII && short.isLetter, "-\(short)") }
        }
        for command in OptionTable.commands {
            #expect(command.name.allSatisfy { ($0 >= "a" && $0 <= "z") || $0 == "-" }, "\(command.name)")
        }
    }

    @Test func valueOptionsNameTheirValueAndFlagsDoNot() {
        for option in OptionTable.options {
            switch option.kind {
            case .value: #expect(option.valueName != nil, "--\(option.long) needs a value name")
            case .flag:
                #expect(option.valueName == nil && option.choices.isEmpty, "flag --\(option.long) has a value name or choices")
            }
            #expect((option.completion == .choices) == !option.choices.isEmpty, "--\(option.long): choices and completion disagree")
        }
    }

    @Test func everyOptionBelongsToRegisteredCommands() {
        let known = Set([CommandSpec.topLevel] + OptionTable.commands.map(\.name))
        for option in OptionTable.options {
            #expect(!option.commands.isEmpty, "--\(option.long) belongs to no command")
            for command in option.commands { #expect(known.contains(command), "--\(option.long) names unknown command '\(command)'") }
        }
    }

    @Test func helpIsOneLineAndEndsWithAPeriod() {
        for option in OptionTable.options {
            #expect(option.abstract.hasSuffix(".") && !option.abstract.contains("\n"), "--\(option.long)")
        }
        for command in OptionTable.commands {
            #expect(command.abstract.hasSuffix(".") && !command.abstract.contains("\n"), "\(command.name)")
        }
    }

    @Test func everySubcommandTakesHelpAndReportingOnesTakeTheSharedOptions() {
        for command in OptionTable.commands {
            #expect(OptionTable.option(spelled: "--help", for: command.name) != nil, "\(command.name) --help")
        }
        for shared in ["--json", "--at", "--color"] {
            #expect(OptionTable.option(spelled: shared, for: OptionTable.decode) != nil, "decode \(shared)")
        }
    }

    /// Issue 17 item 11: help groups options in sections; each option is in exactly one, and every section holds
    /// an option (a name left over after a rename would silently hide it from help).
    @Test func everyOptionIsInExactlyOneSection() {
        let listed = OptionTable.sections.flatMap(\.options)
        for option in OptionTable.options {
            #expect(listed.filter { $0 == option.long }.count == 1, "--\(option.long) is in \(listed.filter { $0 == option.long }.count) sections")
        }
        for name in listed { #expect(OptionTable.options.contains { $0.long == name }, "section lists unknown --\(name)") }
        for command in [CommandSpec.topLevel] + OptionTable.commands.map(\.name) {
            #expect(OptionTable.sectioned(for: command).flatMap(\.options).count == OptionTable.options(for: command).count, "\(command)")
        }
    }

    /// The help line says "repeatable" once, from the abstract: renderers add nothing (the doubled
    /// "(repeatable). (can be repeated)" of issue 17).
    @Test func aRepeatableOptionSaysSoOnceAndOthersDoNot() {
        for option in OptionTable.options {
            let said = option.abstract.ranges(of: "repeatable").count
            #expect(said == (option.repeatable ? 1 : 0), "--\(option.long): \(option.abstract)")
        }
        for command in OptionTable.commands.map(\.name) {
            let help = HelpRenderer.render(command: command)
            #expect(!help.contains("can be repeated"), "\(command)")
        }
    }

    /// Help shows two examples per subcommand, each a command line that fits the help's width.
    @Test func everySubcommandHasTwoExamplesInItsHelp() {
        for command in OptionTable.commands {
            #expect(command.examples.count >= 2, "\(command.name) has \(command.examples.count) examples")
            let help = HelpRenderer.render(command: command.name)
            #expect(help.contains("EXAMPLES:\n"), "\(command.name)")
            #expect(help.ranges(of: "    $ jwtaudit ").count == 2, "\(command.name)")
        }
    }
}
