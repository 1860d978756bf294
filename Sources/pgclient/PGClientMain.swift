import PGClientCLI

/// The `pgclient` executable: everything lives in the PGClientCLI library.
@main
enum PGClientMain {
    static func main() async {
        await PGClientCommand.main()
    }
}
