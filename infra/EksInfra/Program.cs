using EksInfra;
using Pulumi;

// eks-infra, one `pulumi up` per stack. EksInfraProgram.Run is the whole program, in four steps:
//   1. read the stack's config as Pulumi hands it over (structured values arrive as JSON text);
//   2. evaluate it with EksInfra.Access: bind, validate, derive the access plan. An invalid config
//      stops the run here, with the messages `eksinfra check` prints, before any resource exists;
//      then look up in IAM every existing principal the config names, and stop on a missing one;
//   3. build the components from the plan: IAM roles, the EKS cluster and its node group, RBAC;
//   4. return the stack outputs.
return await Deployment.RunAsync(EksInfraProgram.Run).ConfigureAwait(false);
