using EksInfra.Cli;

return CliApp.Run(args, CliEnvironment.FromConsole());
